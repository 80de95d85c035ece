import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api } from '../../api/client';
import type { Certification, HistoryItem, Page } from '../../api/types';
import { EmptyState, QueryView } from '../../components/PageState';
import { StateTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';

/** Certifications held (with validity) and every tier change with date, cause and reason. */
export function CertificationsPanel({ enterpriseId }: { enterpriseId: string }) {
  const { t, label, date } = useI18n();
  const certs = useQuery({
    queryKey: ['certifications', enterpriseId],
    queryFn: () => api.get<Page<Certification>>(`/api/enterprises/${enterpriseId}/certifications`),
  });
  const history = useQuery({
    queryKey: ['history', enterpriseId],
    queryFn: () => api.get<Page<HistoryItem>>(`/api/enterprises/${enterpriseId}/history`),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('certs.title')} size="small">
        <QueryView
          query={certs}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState description={t('certs.empty')} />}
        >
          {(d) => (
            <Table<Certification>
              size="small"
              rowKey="id"
              dataSource={d.items}
              pagination={false}
              columns={[
                { title: t('field.tier'), dataIndex: 'tier', render: (v) => <TierTag tier={v} /> },
                { title: t('certs.number'), dataIndex: 'number' },
                { title: t('certs.issuedOn'), dataIndex: 'issuedOn', render: date },
                { title: t('certs.validUntil'), dataIndex: 'validUntil', render: date },
                { title: t('certs.kind'), dataIndex: 'kind', render: (v) => label('certKind', v) },
                { title: t('certs.source'), dataIndex: 'source', render: (v) => label('certSource', v) },
                { title: t('field.status'), dataIndex: 'status', render: (v) => <StateTag state={v} group="certStatus" /> },
              ]}
            />
          )}
        </QueryView>
      </Card>
      <Card title={t('certs.history')} size="small">
        <QueryView
          query={history}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState description={t('certs.historyEmpty')} />}
        >
          {(d) => (
            <Timeline
              items={d.items.map((h) => ({
                color: h.cause === 'REVOKED' ? 'red' : h.cause === 'RECOGNISED' ? 'green' : 'blue',
                children: (
                  <Space direction="vertical" size={0}>
                    <Space>
                      <Typography.Text strong>{date(h.date)}</Typography.Text>
                      <Tag>{label('tierCause', h.cause)}</Tag>
                      <span>
                        {label('tier', h.from)} → {label('tier', h.to)}
                      </span>
                      {h.fraud && <Tag color="red">{t('certs.fraud')}</Tag>}
                    </Space>
                    {h.reason && <Typography.Text type="secondary">{h.reason}</Typography.Text>}
                  </Space>
                ),
              }))}
            />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
