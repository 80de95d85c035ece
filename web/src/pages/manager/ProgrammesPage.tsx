import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Programme } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { StateTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';

/** Subsidy programmes (免申即享) with every version; a new one starts as a draft. */
export default function ProgrammesPage() {
  const { t, label, wan } = useI18n();
  const navigate = useNavigate();
  const [status, setStatus] = useState<string>();
  const list = usePaged<Programme>('programmes', '/api/programmes', { status });
  return (
    <Card extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/programmes/new')}>{t('programmes.new')}</Button>}>
      <Space style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('field.status')} value={status} onChange={(v) => { setStatus(v); list.reset(); }} style={{ width: 160 }}
          options={['draft', 'active', 'closed'].map((s) => ({ value: s, label: label('programmeStatus', s) }))} aria-label={t('field.status')} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('programmes.empty')} />}>
        {(d) => (
          <Table<Programme> rowKey="id" dataSource={d.items} loading={list.query.isFetching}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('programmes.code'), dataIndex: 'code', render: (v, p) => <Link to={`/programmes/${p.id}`}>{v}</Link> },
              { title: t('field.name'), dataIndex: 'name' },
              { title: t('programmes.version'), dataIndex: 'version', render: (v) => `v${v}` },
              { title: t('grants.period'), dataIndex: 'period' },
              { title: t('programmes.trigger'), render: (_, p) => `${label('trigger', p.trigger.event)}${p.trigger.kind ? ` · ${label('certKind', p.trigger.kind)}` : ''}` },
              { title: t('programmes.amount'), render: (_, p) => (p.amount.fixed !== undefined ? wan(p.amount.fixed) : `${t('programmes.formula')}${p.amount.cap !== undefined ? ` ≤ ${wan(p.amount.cap)}` : ''}`) },
              { title: t('programmes.budget'), dataIndex: 'budget', render: wan, align: 'right' },
              { title: t('programmes.reserved'), dataIndex: 'reserved', render: wan, align: 'right' },
              { title: t('field.status'), dataIndex: 'status', render: (v) => <StateTag state={v} group="programmeStatus" /> },
            ]} />
        )}
      </QueryView>
    </Card>
  );
}
