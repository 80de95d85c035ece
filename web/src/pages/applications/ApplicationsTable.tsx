import { Table, Tag } from 'antd';
import type { TableProps } from 'antd';
import { Link } from 'react-router-dom';
import type { ApplicationSummary, Page } from '../../api/types';
import { EnterpriseName } from '../../components/EnterpriseName';
import { StateTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';

/** A page of applications with state, allowed actions and overdue rows highlighted. */
export function ApplicationsTable({
  data,
  page,
  pageSize,
  onPage,
  loading,
  showEnterprise = true,
}: {
  data: Page<ApplicationSummary>;
  page: number;
  pageSize: number;
  onPage: (page: number, pageSize: number) => void;
  loading?: boolean;
  showEnterprise?: boolean;
}) {
  const { t, label, date, dateTime } = useI18n();
  const columns: TableProps<ApplicationSummary>['columns'] = [
    ...(showEnterprise
      ? [{ title: t('field.enterprise'), dataIndex: 'enterpriseId', render: (id: string) => <EnterpriseName id={id} /> }]
      : []),
    { title: t('field.targetTier'), dataIndex: 'targetTier', render: (v: string) => <TierTag tier={v} /> },
    {
      title: t('field.state'),
      dataIndex: 'state',
      render: (v: string, r: ApplicationSummary) => (
        <>
          <StateTag state={v} />
          {r.overdue && <Tag color="red">{t('queue.overdue')}</Tag>}
        </>
      ),
    },
    {
      title: t('queue.nextActions'),
      dataIndex: 'allowedEvents',
      render: (events: string[]) => (events.length ? events.map((e) => <Tag key={e}>{label('event', e)}</Tag>) : '—'),
    },
    { title: t('field.noticeEndsOn'), dataIndex: 'noticeEndsOn', render: (v: string | null) => (v ? date(v) : '—') },
    { title: t('field.updatedAt'), dataIndex: 'updatedAt', render: dateTime },
    {
      title: t('common.actions'),
      key: 'open',
      render: (_: unknown, r: ApplicationSummary) => (
        <Link to={`/applications/${r.id}`} data-testid="open-application">
          {t('action.open')}
        </Link>
      ),
    },
  ];
  return (
    <Table<ApplicationSummary>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={data.items}
      columns={columns}
      rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
      onRow={(r) => ({ style: r.overdue ? { background: '#fff1f0' } : undefined })}
      pagination={{
        current: page,
        pageSize,
        total: data.total,
        showSizeChanger: true,
        showTotal: (total) => t('common.total', { total }),
        onChange: onPage,
      }}
    />
  );
}
