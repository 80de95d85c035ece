import { Alert, Card, Col, Descriptions, Row, Table } from 'antd';
import type { Bucket, Simulation } from '../../api/types';
import { useI18n } from '../../i18n';

/** 政策沙盘 totals: who the draft would pay, what it costs against the budget, split by district, tier and colour. */
export function SimulationResult({ simulation: s, stale }: { simulation: Simulation; stale: boolean }) {
  const { t, label, yuan, wan, percent } = useI18n();
  const split = (title: string, data: Record<string, Bucket>, group?: string) => (
    <Col xs={24} lg={8}>
      <Table size="small" title={() => title} rowKey="key" pagination={false}
        dataSource={Object.entries(data).map(([key, b]) => ({ key, ...b }))}
        columns={[
          { title: title, dataIndex: 'key', render: (v: string) => (group ? label(group, v) : v) },
          { title: t('simulation.matched'), dataIndex: 'matched', align: 'right', render: (v, r) => (v ?? r.count ?? 0) as number },
          { title: t('simulation.cost'), dataIndex: 'cost', align: 'right', render: (v: number | undefined) => wan(v ?? 0) },
        ]} />
    </Col>
  );
  return (
    <Card title={t('simulation.title')} data-testid="simulation">
      {stale && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('simulation.stale')} />}
      {s.budget.exceeded && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={t('simulation.exceeded', { waitlisted: s.budget.waitlisted.count })} />}
      <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('simulation.considered')}>{s.enterprisesConsidered}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.matched')}>{s.matched}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.needsData')}>{s.needsData}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.totalCost')}>{yuan(s.totalCost)}</Descriptions.Item>
        <Descriptions.Item label={t('programmes.budget')}>{yuan(s.budget.budget)}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.use')}>{percent(s.budget.use)}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.within')}>{t('simulation.countCost', { count: s.budget.withinBudget.count, cost: yuan(s.budget.withinBudget.cost) })}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.waitlisted')}>{t('simulation.countCost', { count: s.budget.waitlisted.count, cost: yuan(s.budget.waitlisted.cost) })}</Descriptions.Item>
        <Descriptions.Item label={t('simulation.duration')}>{s.durationMs} ms</Descriptions.Item>
      </Descriptions>
      <Row gutter={16} style={{ marginTop: 16 }}>
        {split(t('field.district'), s.byDistrict)}
        {split(t('field.tier'), s.byTier, 'tier')}
        {split(t('field.colour'), s.byColour, 'colour')}
      </Row>
      {Object.keys(s.missingFacts).length > 0 && (
        <Alert style={{ marginTop: 16 }} type="info" showIcon message={t('simulation.missingFacts')}
          description={Object.entries(s.missingFacts).map(([k, n]) => `${k}: ${n}`).join('; ')} />
      )}
    </Card>
  );
}
