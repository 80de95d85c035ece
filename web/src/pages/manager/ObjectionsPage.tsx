import { Card, Segmented, Space } from 'antd';
import { useState } from 'react';
import type { ApplicationSummary } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';

/** Public notices (公示) and the objections raised against them, to resolve. */
export default function ObjectionsPage() {
  const { t, label } = useI18n();
  const [state, setState] = useState('objection_review');
  const list = usePaged<ApplicationSummary>('applications', '/api/applications', { state });
  return (
    <Card>
      <Space style={{ marginBottom: 16 }}>
        <Segmented value={state} onChange={(v) => { setState(String(v)); list.reset(); }}
          options={['objection_review', 'public_notice'].map((s) => ({ value: s, label: label('state', s) }))} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('objections.empty')} />}>
        {(d) => <ApplicationsTable data={d} page={list.page} pageSize={list.pageSize} onPage={list.onPage} loading={list.query.isFetching} />}
      </QueryView>
    </Card>
  );
}
