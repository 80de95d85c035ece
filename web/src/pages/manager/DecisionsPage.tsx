import { Alert, Card } from 'antd';
import type { ApplicationSummary } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';

/** Applications awaiting the manager: reviewed (to decide) and objections under review. */
export default function DecisionsPage() {
  const { t } = useI18n();
  const list = usePaged<ApplicationSummary>('applications', '/api/applications', { assignee: 'me' });
  return (
    <Card>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('decisions.hint')} />
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('decisions.empty')} />}>
        {(d) => <ApplicationsTable data={d} page={list.page} pageSize={list.pageSize} onPage={list.onPage} loading={list.query.isFetching} />}
      </QueryView>
    </Card>
  );
}
