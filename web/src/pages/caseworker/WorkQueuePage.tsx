import { Card, Select, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import type { ApplicationSummary } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';

export const APPLICATION_STATES = [
  'submitted',
  'returned',
  'accepted',
  'under_review',
  'reviewed',
  'public_notice',
  'objection_review',
  'recognised',
  'rejected',
  'withdrawn',
  'draft',
];

/** The caseworker's queue: filters by state, tier, mine and overdue; overdue rows are highlighted. */
export default function WorkQueuePage() {
  const { t, label } = useI18n();
  const [state, setState] = useState<string | undefined>('submitted');
  const [targetTier, setTargetTier] = useState<string>();
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const list = usePaged<ApplicationSummary>('applications', '/api/applications', {
    state,
    targetTier,
    assignee: mine ? 'me' : undefined,
    overdue: overdue ? true : undefined,
  });
  return (
    <Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('field.state')}
          value={state}
          onChange={(v) => {
            setState(v);
            list.reset();
          }}
          style={{ width: 180 }}
          options={APPLICATION_STATES.map((s) => ({ value: s, label: label('state', s) }))}
          aria-label={t('field.state')}
          data-testid="filter-state"
        />
        <Select
          allowClear
          placeholder={t('field.targetTier')}
          value={targetTier}
          onChange={(v) => {
            setTargetTier(v);
            list.reset();
          }}
          style={{ width: 180 }}
          options={['tech_sme', 'high_tech', 'leader'].map((s) => ({ value: s, label: label('tier', s) }))}
          aria-label={t('field.targetTier')}
        />
        <Space>
          <Switch checked={mine} onChange={setMine} aria-label={t('queue.mine')} />
          <Typography.Text>{t('queue.mine')}</Typography.Text>
        </Space>
        <Space>
          <Switch checked={overdue} onChange={setOverdue} aria-label={t('queue.onlyOverdue')} />
          <Typography.Text>{t('queue.onlyOverdue')}</Typography.Text>
        </Space>
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('queue.empty')} />}>
        {(d) => (
          <ApplicationsTable data={d} page={list.page} pageSize={list.pageSize} onPage={list.onPage} loading={list.query.isFetching} />
        )}
      </QueryView>
    </Card>
  );
}
