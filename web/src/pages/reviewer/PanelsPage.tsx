import { Alert, Card } from 'antd';
import type { ApplicationSummary } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';

/** Applications whose panel the reviewer sits on and has not yet scored. */
export default function PanelsPage() {
  const { t } = useI18n();
  const list = usePaged<ApplicationSummary>('applications', '/api/applications', { assignee: 'me' });
  return (
    <Card>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('panels.hint')} />
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('panels.empty')} />}>
        {(d) => <ApplicationsTable data={d} page={list.page} pageSize={list.pageSize} onPage={list.onPage} loading={list.query.isFetching} />}
      </QueryView>
    </Card>
  );
}
