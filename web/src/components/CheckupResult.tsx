import { Alert, Card, Col, Descriptions, List, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { Check, EvaluationResult, Reported } from '../api/types';
import { useI18n, type I18n } from '../i18n';
import { CheckTag, ColourTag } from './Tags';

const RATIO_CODES = new Set([
  'tech_staff_ratio',
  'rd_expense_ratio',
  'domestic_rd_share',
  'high_tech_revenue_share',
  'revenue_growth',
  'main_business_share',
  'debt_ratio',
]);
const MONEY_CODES = new Set(['revenue', 'rd_investment', 'size_revenue', 'size_assets']);

export function formatReported(i18n: I18n, code: string, value: Reported): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return i18n.t(value ? 'common.yes' : 'common.no');
  if (RATIO_CODES.has(code)) return i18n.percent(value, 2);
  if (MONEY_CODES.has(code)) return i18n.yuan(value);
  if (code === 'registered_one_year') return i18n.t('unit.days', { n: value });
  return i18n.number(value);
}

/** The self check-up (政策体检): colour, tech SME score table, high-tech and leader checks, gaps in sentences. */
export function CheckupResult({ result, title }: { result: EvaluationResult; title?: string }) {
  const i18n = useI18n();
  const { t, label, lang } = i18n;
  const sme = result.techSme;
  const ht = result.highTech;
  const checkColumns = [
    { title: t('checkup.check'), dataIndex: 'code', render: (code: string) => label('checkCode', code) },
    {
      title: t('checkup.status'),
      dataIndex: 'status',
      width: 90,
      render: (status: string) => <CheckTag status={status} />,
    },
    {
      title: t('checkup.actual'),
      render: (_: unknown, c: Check) => formatReported(i18n, c.code, c.actual),
    },
    {
      title: t('checkup.required'),
      render: (_: unknown, c: Check) => formatReported(i18n, c.code, c.required),
    },
  ];
  const eligibility = (value: boolean | null) =>
    value === true ? (
      <Tag color="success">{t('checkup.eligible')}</Tag>
    ) : value === false ? (
      <Tag color="error">{t('checkup.notEligible')}</Tag>
    ) : (
      <Tag>{t('checkup.undetermined')}</Tag>
    );
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="checkup">
      <Card size="small" title={title ?? t('checkup.title')}>
        <Row gutter={16} align="middle">
          <Col span={8}>
            <Typography.Text type="secondary">{t('checkup.colour')}</Typography.Text>
            <div style={{ fontSize: 20, marginTop: 4 }} data-testid="checkup-colour" data-colour={result.colour}>
              <ColourTag colour={result.colour} />
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {label('colourHint', result.colour)}
            </Typography.Text>
          </Col>
          <Col span={8}>
            <Statistic title={t('checkup.techSmeScore')} value={sme.score} suffix="/ 100" />
            {eligibility(sme.eligible)}
          </Col>
          <Col span={8}>
            <Statistic
              title={t('checkup.innovationScore')}
              value={ht.innovationScore.total ?? '—'}
              suffix={ht.innovationScore.total !== null ? '/ 100' : undefined}
            />
            {eligibility(ht.eligible)}
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('checkup.techSme')}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, xxl: 4 }} bordered>
          <Descriptions.Item label={t('checkup.techStaffPoints')}>{sme.scores.techStaff} / 20</Descriptions.Item>
          <Descriptions.Item label={t('checkup.rdPoints')}>{sme.scores.rdInvestment} / 50</Descriptions.Item>
          <Descriptions.Item label={t('checkup.ipPoints')}>{sme.scores.ipResults} / 30</Descriptions.Item>
          <Descriptions.Item label={t('checkup.total')}>
            <strong>{sme.score}</strong>
          </Descriptions.Item>
          <Descriptions.Item label={t('checkup.route')} span={2}>
            {sme.route ? label('route', sme.route) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('checkup.failed')} span={2}>
            {sme.failed.length ? sme.failed.map((f) => <Tag key={f}>{label('checkCode', f)}</Tag>) : '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('checkup.highTech')}>
        <Table
          size="small"
          rowKey="code"
          pagination={false}
          columns={checkColumns}
          dataSource={ht.checks}
          data-testid="high-tech-checks"
        />
      </Card>
      {result.leader.checks.length > 0 && (
        <Card size="small" title={t('checkup.leader')}>
          <Table size="small" rowKey="code" pagination={false} columns={checkColumns} dataSource={result.leader.checks} />
        </Card>
      )}
      <Card size="small" title={t('checkup.gaps')}>
        {result.gaps.length ? (
          <List
            size="small"
            dataSource={result.gaps}
            data-testid="gaps"
            renderItem={(g) => (
              <List.Item>
                <Space>
                  <Tag color="geekblue">{label('tier', g.tier)}</Tag>
                  <span>{lang === 'zh' ? g.messageZh : g.message}</span>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Alert type="success" showIcon message={t('checkup.noGaps')} />
        )}
      </Card>
    </Space>
  );
}
