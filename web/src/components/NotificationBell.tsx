import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, List, Pagination, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { useUser } from '../auth/AuthContext';
import type { Notification, NotificationPage } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { EmptyState, QueryView } from './PageState';

const PAGE_SIZE = 10;

/**
 * Where a notification leads: the application, the grant list, or the enterprise. An enterprise user's grants are at
 * `/my/grants`, and its own enterprise is its profile, not the staff's registry page.
 */
function target(n: Notification, role: string): string | null {
  const p = n.payload;
  const enterprise = role === 'enterprise';
  if (typeof p.applicationId === 'string') return `/applications/${p.applicationId}`;
  if (n.kind.startsWith('grant.')) return enterprise ? '/my/grants' : '/grants';
  if (typeof p.enterpriseId === 'string') return enterprise ? null : `/enterprises/${p.enterpriseId}`;
  return null;
}

/** The unread count in the header (polled) and a drawer listing the user's notifications, newest first. */
export function NotificationBell() {
  const { t, label, dateTime } = useI18n();
  const user = useUser();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [page, setPage] = useState(1);
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => api.get<NotificationPage>('/api/notifications', { unread: true, pageSize: 1 }),
    refetchInterval: 30_000,
  });
  const list = useQuery({
    queryKey: ['notifications', 'list', page],
    queryFn: () => api.get<NotificationPage>('/api/notifications', { page, pageSize: PAGE_SIZE }),
    enabled: open,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['notifications'] });
  const markRead = useMutation({ mutationFn: (id: string) => api.post(`/api/notifications/${id}/read`), onSuccess: refresh });
  const markAll = useMutation({ mutationFn: () => api.post('/api/notifications/read-all'), onSuccess: refresh });
  const count = unread.data?.unread ?? 0;
  return (
    <>
      <Badge count={count} size="small" data-testid="unread-count" data-count={count}>
        <Button
          type="text"
          icon={<BellOutlined style={{ color: '#fff', fontSize: 18 }} />}
          aria-label={t('notifications.open', { count })}
          onClick={() => setOpen(true)}
        />
      </Badge>
      <Drawer
        title={t('notifications.title')}
        open={open}
        onClose={() => setOpen(false)}
        width={420}
        extra={
          <Button size="small" disabled={!count} loading={markAll.isPending} onClick={() => markAll.mutate()}>
            {t('notifications.readAll')}
          </Button>
        }
      >
        <QueryView
          query={list}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState description={t('notifications.empty')} />}
        >
          {(data) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              <List
                dataSource={data.items}
                renderItem={(n) => {
                  const to = target(n, user.role);
                  return (
                    <List.Item
                      actions={[
                        !n.readAt && (
                          <Button key="read" size="small" type="link" onClick={() => markRead.mutate(n.id)}>
                            {t('notifications.markRead')}
                          </Button>
                        ),
                      ]}
                    >
                      <List.Item.Meta
                        title={
                          <Space>
                            {!n.readAt && <Tag color="blue">{t('notifications.new')}</Tag>}
                            {to ? (
                              <Typography.Link
                                onClick={() => {
                                  if (!n.readAt) markRead.mutate(n.id);
                                  setOpen(false);
                                  navigate(to);
                                }}
                              >
                                {label('notice', n.kind)}
                              </Typography.Link>
                            ) : (
                              label('notice', n.kind)
                            )}
                          </Space>
                        }
                        description={
                          <Space direction="vertical" size={0}>
                            <NotificationDetail n={n} />
                            <Typography.Text type="secondary">{dateTime(n.createdAt)}</Typography.Text>
                          </Space>
                        }
                      />
                    </List.Item>
                  );
                }}
              />
              <Pagination
                size="small"
                current={page}
                pageSize={PAGE_SIZE}
                total={data.total}
                onChange={setPage}
                hideOnSinglePage
              />
            </Space>
          )}
        </QueryView>
      </Drawer>
    </>
  );
}

function NotificationDetail({ n }: { n: Notification }) {
  const { t, label } = useI18n();
  const p = n.payload as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof p.targetTier === 'string') parts.push(label('tier', p.targetTier));
  if (typeof p.state === 'string') parts.push(label('state', p.state));
  if (typeof p.reason === 'string') parts.push(`${t('field.reason' as MessageKey)}: ${p.reason}`);
  if (typeof p.certificateNumber === 'string') parts.push(p.certificateNumber);
  if (typeof p.programmeCode === 'string') parts.push(label('programme', p.programmeCode));
  if (typeof p.dueOn === 'string') parts.push(`${t('field.dueOn')}: ${p.dueOn}`);
  return <Typography.Text>{parts.join(' · ')}</Typography.Text>;
}
