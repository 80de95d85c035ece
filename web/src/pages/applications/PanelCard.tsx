import { Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import type { ApplicationDetail, PanelMember } from '../../api/types';
import { useI18n } from '../../i18n';

/** The expert panel, each member's scores (staff only), the panel result and calibration flags. */
export function PanelCard({ app }: { app: ApplicationDetail }) {
  const { t, label } = useI18n();
  const result = app.result;
  const rows = app.panel.map((m, index) => ({ ...m, index, score: m.reviewerId ? app.scores[m.reviewerId] : undefined }));
  return (
    <Card title={t('panel.title')} size="small" data-testid="panel-card">
      {app.panel.length === 0 ? (
        <Typography.Text type="secondary">{t('panel.notDrawn')}</Typography.Text>
      ) : (
        <Table
          size="small"
          rowKey="index"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: '#', dataIndex: 'index', render: (i: number) => i + 1, width: 40 },
            { title: t('panel.expertise'), dataIndex: 'expertise', render: (v: string) => label('expertise', v) },
            {
              title: t('field.status'),
              dataIndex: 'status',
              render: (v: PanelMember['status']) => (
                <Tag color={v === 'scored' ? 'success' : v === 'declined' ? 'default' : 'processing'}>{label('panelStatus', v)}</Tag>
              ),
            },
            { title: t('field.innovationIp'), render: (_, r) => r.score?.ip ?? '—' },
            { title: t('field.innovationConversion'), render: (_, r) => r.score?.conversion ?? '—' },
            { title: t('field.innovationRdManagement'), render: (_, r) => r.score?.rdManagement ?? '—' },
            { title: t('field.growth'), render: (_, r) => r.score?.growth ?? '—' },
            {
              title: t('panel.total'),
              render: (_, r) => {
                const total = r.reviewerId ? result?.totals?.[r.reviewerId] : undefined;
                const flagged = r.reviewerId && result?.flagged.includes(r.reviewerId);
                return (
                  <Space>
                    {total ?? '—'}
                    {flagged && <Tag color="warning">{t('panel.flagged')}</Tag>}
                  </Space>
                );
              },
            },
            { title: t('field.comment'), render: (_, r) => r.score?.comment || '—' },
          ]}
        />
      )}
      {result && (
        <Descriptions size="small" column={5} style={{ marginTop: 12 }} bordered data-testid="panel-result">
          <Descriptions.Item label={t('field.innovationIp')}>{result.ip}</Descriptions.Item>
          <Descriptions.Item label={t('field.innovationConversion')}>{result.conversion}</Descriptions.Item>
          <Descriptions.Item label={t('field.innovationRdManagement')}>{result.rdManagement}</Descriptions.Item>
          <Descriptions.Item label={t('field.growth')}>{result.growth}</Descriptions.Item>
          <Descriptions.Item label={t('panel.panelScore')}>
            {/* More than 70 passes (71 is the whole-point mark; the panel's score is a mean). */}
            <Typography.Text strong type={result.total > (app.pinned?.rubric.passMark ?? 71) - 1 ? 'success' : 'danger'}>
              {result.total}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
