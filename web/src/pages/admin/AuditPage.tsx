import { Card, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { AuditEvent } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';

/** The append-only audit log, filterable by entity. */
export default function AuditPage() {
  const { t, label, dateTime } = useI18n();
  const [entityType, setEntityType] = useState<string>();
  const [entityId, setEntityId] = useState<string>();
  const list = usePaged<AuditEvent>('audit', '/api/audit', { entityType, entityId });
  return (
    <Card>
      <Space style={{ marginBottom: 16 }} wrap>
        <Input allowClear placeholder={t('audit.entityType')} onBlur={(e) => { setEntityType(e.target.value.trim() || undefined); list.reset(); }} aria-label={t('audit.entityType')} />
        <Input allowClear placeholder={t('audit.entityId')} style={{ width: 320 }} onBlur={(e) => { setEntityId(e.target.value.trim() || undefined); list.reset(); }} aria-label={t('audit.entityId')} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('audit.empty')} />}>
        {(d) => (
          <Table<AuditEvent> size="small" rowKey="id" dataSource={d.items} loading={list.query.isFetching}
            expandable={{ expandedRowRender: (e) => <Typography.Text code>{JSON.stringify(e.payload)}</Typography.Text> }}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('audit.at'), dataIndex: 'at', render: dateTime },
              { title: t('audit.actor'), dataIndex: 'actor', render: (_, e) => (e.actor ? e.actor.displayName || e.actor.username : e.actorId ? e.actorId : t('audit.system')) },
              { title: t('audit.entityType'), dataIndex: 'entityType', render: (v: string) => label('auditEntity', v) },
              { title: t('audit.entityId'), dataIndex: 'entityId', ellipsis: true },
              { title: t('audit.event'), dataIndex: 'event', render: (v: string) => label('event', v) },
              { title: t('audit.transition'), render: (_, e) => (e.from || e.to ? `${e.from ? label('state', e.from) : '∅'} → ${e.to ? label('state', e.to) : '∅'}` : '—') },
            ]} />
        )}
      </QueryView>
    </Card>
  );
}
