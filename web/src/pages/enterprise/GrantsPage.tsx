import { Alert, Card, Table } from 'antd';
import type { Grant } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { EmptyState, QueryView } from '../../components/PageState';
import { StateTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ConfirmPayeeButton } from '../grants/ConfirmPayeeButton';
import { GrantWhy } from '../grants/GrantWhy';

/** The enterprise's grants (免申即享): amount, state, why it was granted; confirm the payee when notified. */
export default function GrantsPage() {
  const user = useUser();
  const { t, yuan, date } = useI18n();
  const list = usePaged<Grant>('grants', `/api/enterprises/${user.enterpriseId}/grants`);
  if (!user.enterpriseId) return <Alert type="warning" message={t('enterprise.noEnterprise')} />;
  return (
    <Card>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('grants.enterpriseHint')} />
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('grants.empty')} />}>
        {(d) => (
          <Table<Grant>
            rowKey="id"
            dataSource={d.items}
            expandable={{ expandedRowRender: (g) => <GrantWhy grant={g} /> }}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('grants.programme'), render: (_, g) => g.programmeName ?? g.programmeCode },
              { title: t('grants.period'), dataIndex: 'period' },
              { title: t('grants.amount'), dataIndex: 'amount', render: yuan, align: 'right' },
              { title: t('field.state'), dataIndex: 'state', render: (v) => <StateTag state={v} group="grantState" /> },
              { title: t('grants.paidOn'), dataIndex: 'paidOn', render: (v) => (v ? date(v) : '—') },
              { title: t('common.actions'), render: (_, g) => (g.state === 'notified' ? <ConfirmPayeeButton grant={g} /> : null) },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
