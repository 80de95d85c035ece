import { Alert } from 'antd';
import { useUser } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { IndicatorsEditor } from './IndicatorsEditor';

export default function IndicatorsPage() {
  const user = useUser();
  const { t } = useI18n();
  if (!user.enterpriseId) return <Alert type="warning" message={t('enterprise.noEnterprise')} />;
  return <IndicatorsEditor enterpriseId={user.enterpriseId} />;
}
