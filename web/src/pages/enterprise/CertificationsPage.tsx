import { Alert } from 'antd';
import { useUser } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { CertificationsPanel } from './CertificationsPanel';

export default function CertificationsPage() {
  const user = useUser();
  const { t } = useI18n();
  if (!user.enterpriseId) return <Alert type="warning" message={t('enterprise.noEnterprise')} />;
  return <CertificationsPanel enterpriseId={user.enterpriseId} />;
}
