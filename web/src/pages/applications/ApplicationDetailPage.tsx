import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Card, Col, Descriptions, List, Row, Space, Table, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { ApplicationDetail, Deadline } from '../../api/types';
import { CheckupResult } from '../../components/CheckupResult';
import { EnterpriseName } from '../../components/EnterpriseName';
import { QueryView } from '../../components/PageState';
import { StateTag, TierTag } from '../../components/Tags';
import { useUser } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { DocumentsCard } from './DocumentsCard';
import { EventButton } from './EventDialog';
import { PanelCard } from './PanelCard';
import { ScoreForm } from './ScoreForm';

function DeadlinesTable({ deadlines }: { deadlines: Deadline[] }) {
  const { t, label, date } = useI18n();
  if (!deadlines.length) return <Typography.Text type="secondary">{t('deadlines.none')}</Typography.Text>;
  return (
    <Table<Deadline>
      size="small"
      rowKey="kind"
      pagination={false}
      dataSource={deadlines}
      onRow={(d) => ({ style: d.overdue ? { background: '#fff1f0' } : undefined })}
      columns={[
        { title: t('deadlines.kind'), dataIndex: 'kind', render: (v) => label('deadline', v) },
        { title: t('deadlines.started'), dataIndex: 'startedOn', render: date },
        { title: t('deadlines.due'), dataIndex: 'dueOn', render: (v) => (v ? date(v) : '—') },
        {
          title: t('field.status'),
          dataIndex: 'status',
          render: (v: string, d) => (
            <Space>
              <Tag>{label('deadlineStatus', v)}</Tag>
              {d.overdue && <Tag color="red">{t('queue.overdue')}</Tag>}
              {d.status === 'paused' && d.remainingDays !== null && t('deadlines.remaining', { n: d.remainingDays })}
            </Space>
          ),
        },
        { title: t('deadlines.met'), dataIndex: 'metOn', render: (v) => (v ? date(v) : '—') },
      ]}
    />
  );
}

/** One application for every role: pinned evaluation, documents, panel, scores, deadlines, and the allowed events. */
export default function ApplicationDetailPage() {
  const { id } = useParams();
  const { t, label, date, dateTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['application', id],
    queryFn: () => api.get<ApplicationDetail>(`/api/applications/${id}`),
  });
  const navigate = useNavigate();
  const onDone = (next: ApplicationDetail, sent?: string) => {
    // An expert who declines leaves the panel and may no longer open the application: back to their panels.
    if (sent === 'DECLINE') {
      client.removeQueries({ queryKey: ['application', id] });
      void client.invalidateQueries({ queryKey: ['applications'] });
      message.success(t('applications.updated', { state: label('state', next.state) }));
      navigate('/panels');
      return;
    }
    client.setQueryData(['application', id], next);
    void client.invalidateQueries({ queryKey: ['applications'] });
    void client.invalidateQueries({ queryKey: ['notifications'] });
    void client.invalidateQueries({ queryKey: ['attachments', id] });
    message.success(t('applications.updated', { state: label('state', next.state) }));
  };
  return (
    <QueryView query={query}>
      {(app) => {
        const buttons = app.allowedEvents.filter((e) => e !== 'SCORE');
        return (
          <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="application-detail" data-state={app.state}>
            <Card
              title={
                <Space wrap>
                  <EnterpriseName id={app.enterpriseId} link={user.role !== 'enterprise'} />
                  <TierTag tier={app.targetTier} />
                  <StateTag state={app.state} />
                  {app.overdue && <Tag color="red">{t('queue.overdue')}</Tag>}
                </Space>
              }
            >
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('field.createdAt')}>{dateTime(app.createdAt)}</Descriptions.Item>
                <Descriptions.Item label={t('field.submittedOn')}>{date(app.pinned?.submittedOn) || '—'}</Descriptions.Item>
                <Descriptions.Item label={t('field.noticeEndsOn')}>{date(app.noticeEndsOn) || '—'}</Descriptions.Item>
                <Descriptions.Item label={t('field.ruleSet')}>
                  {app.ruleSet ? `${app.ruleSet} · v${app.regionConfigVersion}` : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('field.version')}>{app.version}</Descriptions.Item>
              </Descriptions>
              <div style={{ marginTop: 8 }}>
                <Typography.Text type="secondary">{t('applications.actions')}</Typography.Text>
                <div style={{ marginTop: 8 }}>
                  {buttons.length ? (
                    <Space wrap data-testid="event-buttons">
                      {buttons.map((type) => (
                        <EventButton key={type} app={app} type={type} onDone={onDone} />
                      ))}
                    </Space>
                  ) : (
                    <Typography.Text type="secondary" data-testid="no-actions">
                      {app.allowedEvents.includes('SCORE') ? t('applications.scoreBelow') : t('applications.noActions')}
                    </Typography.Text>
                  )}
                </div>
              </div>
            </Card>
            {app.returnReason && (
              <Alert type="warning" showIcon message={t('applications.returned')} description={app.returnReason} />
            )}
            {app.decision && (
              <Alert
                type={app.decision.approve ? 'success' : 'error'}
                showIcon
                message={t(app.decision.approve ? 'decision.approved' : 'decision.rejected')}
                description={
                  <>
                    <div>{app.decision.reason}</div>
                    {app.decision.calibrationNote && (
                      <div>
                        {t('field.calibrationNote')}: {app.decision.calibrationNote}
                      </div>
                    )}
                  </>
                }
                data-testid="decision"
              />
            )}
            {app.allowedEvents.includes('SCORE') && <ScoreForm app={app} onDone={onDone} />}
            <Row gutter={16}>
              <Col xs={24} xl={12}>
                <Card title={t('deadlines.title')} size="small">
                  <DeadlinesTable deadlines={app.deadlines} />
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <DocumentsCard app={app} />
              </Col>
            </Row>
            {app.targetTier !== 'tech_sme' && <PanelCard app={app} />}
            {app.objections.length > 0 && (
              <Card title={t('objection.title')} size="small">
                <List
                  dataSource={app.objections}
                  renderItem={(o) => (
                    <List.Item>
                      <Space direction="vertical" size={0}>
                        <Space>
                          <Typography.Text strong>{date(o.on)}</Typography.Text>
                          {o.name && <span>{o.name}</span>}
                          {o.contact && <Typography.Text type="secondary">{o.contact}</Typography.Text>}
                          {o.resolution ? (
                            <Tag color={o.resolution.upheld ? 'red' : 'green'}>
                              {t(o.resolution.upheld ? 'objection.upheld' : 'objection.dismissed')}
                            </Tag>
                          ) : (
                            <Tag color="orange">{t('objection.open')}</Tag>
                          )}
                        </Space>
                        <span>{o.reason}</span>
                        {o.resolution && <Typography.Text type="secondary">{o.resolution.reason}</Typography.Text>}
                      </Space>
                    </List.Item>
                  )}
                />
              </Card>
            )}
            {app.evaluation ? (
              <CheckupResult result={app.evaluation} title={t('applications.pinned')} />
            ) : (
              <Alert type="info" showIcon message={t('applications.notPinned')} />
            )}
            {app.pinned && app.pinned.unknownChecks.length > 0 && (
              <Alert
                type="warning"
                showIcon
                message={t('applications.unknownChecks')}
                description={app.pinned.unknownChecks.map((c) => label('checkCode', c)).join('、')}
              />
            )}
          </Space>
        );
      }}
    </QueryView>
  );
}
