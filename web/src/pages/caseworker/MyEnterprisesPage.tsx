import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { MyEnterprise, Page } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { ColourTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';

/** The enterprises this caseworker looks after, with visits due, open needs and open applications. */
export default function MyEnterprisesPage() {
  const { t, label, date } = useI18n();
  const mine = useQuery({ queryKey: ['casework', 'mine'], queryFn: () => api.get<Page<MyEnterprise>>('/api/casework/mine') });
  return (
    <Card>
      <QueryView query={mine} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('mine.empty')} />}>
        {(d) => (
          <Table<MyEnterprise>
            rowKey={(r) => r.enterprise.id}
            dataSource={d.items}
            pagination={{ pageSize: 20, showTotal: (n) => t('common.total', { total: n }) }}
            onRow={(r) => ({ style: r.attention === 'overdue' ? { background: '#fff1f0' } : undefined })}
            columns={[
              { title: t('field.name'), render: (_, r) => <Link to={`/enterprises/${r.enterprise.id}`}>{r.enterprise.name}</Link> },
              { title: t('field.tier'), render: (_, r) => <TierTag tier={r.enterprise.tier} /> },
              { title: t('field.colour'), render: (_, r) => <ColourTag colour={r.enterprise.colour} /> },
              { title: t('mine.attention'), dataIndex: 'attention', render: (v: string) => <Tag color={v === 'overdue' ? 'red' : v === 'visit_due' ? 'orange' : 'green'}>{label('attention', v)}</Tag> },
              { title: t('mine.visitsDue'), render: (_, r) => r.visitsDue.map((v) => date(v.dueOn)).join('、') || '—' },
              { title: t('mine.openNeeds'), dataIndex: 'openNeeds', align: 'right' },
              { title: t('mine.openApplications'), dataIndex: 'openApplications', align: 'right' },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
