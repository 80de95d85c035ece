import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Input, Modal, Row, Space, Statistic, Table } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { PipelineSummary, TargetProgress } from '../../api/pipeline';
import { pipelineSummary } from '../../api/summaryFallback';
import { EChart, type ChartOption } from '../../components/EChart';
import { JobProgress } from '../../components/JobProgress';
import { EmptyState, errorText, QueryView } from '../../components/PageState';
import { useI18n, type I18n } from '../../i18n';
import { TargetsEditor } from './TargetsEditor';
import { chinaToday } from '../../lib/format';

const TIERS = ['startup', 'tech_sme', 'high_tech', 'leader'];
const COLOURS = ['orange', 'red', 'blue', 'green'];
const PALETTE: Record<string, string> = { orange: '#fa8c16', red: '#f5222d', blue: '#1677ff', green: '#52c41a' };
const TIER_PALETTE = ['#91caff', '#4096ff', '#0958d9', '#002c8c'];

function tierColourOption(i18n: I18n, s: PipelineSummary): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: TIERS.map((t) => i18n.label('tier', t)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: COLOURS.map((c) => ({
      name: i18n.label('colour', c),
      type: 'bar',
      stack: 'total',
      itemStyle: { color: PALETTE[c] },
      data: TIERS.map((t) => s.counts.find((x) => x.tier === t && x.colour === c)?.count ?? 0),
    })),
  };
}

function funnelOption(i18n: I18n, s: PipelineSummary): ChartOption {
  const byTier = new Map(s.totals.byTier.map((r) => [r.tier, r.count]));
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '10%',
        width: '80%',
        top: 8,
        bottom: 8,
        minSize: '20%',
        label: { show: true, position: 'inside', formatter: '{b} {c}' },
        data: TIERS.map((t, i) => ({ name: i18n.label('tier', t), value: byTier.get(t) ?? 0, itemStyle: { color: TIER_PALETTE[i] } })),
      },
    ],
  };
}

function passRateOption(i18n: I18n, s: PipelineSummary): ChartOption {
  const rows = s.applications.byTier;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((r) => i18n.label('tier', r.tier)) },
    yAxis: [
      { type: 'value', minInterval: 1 },
      { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    ],
    series: [
      { name: i18n.t('dashboard.recognised'), type: 'bar', stack: 'd', itemStyle: { color: '#52c41a' }, data: rows.map((r) => r.recognised) },
      { name: i18n.t('dashboard.rejected'), type: 'bar', stack: 'd', itemStyle: { color: '#ff7875' }, data: rows.map((r) => r.rejected) },
      { name: i18n.t('dashboard.open'), type: 'bar', stack: 'd', itemStyle: { color: '#d9d9d9' }, data: rows.map((r) => r.open) },
      {
        name: i18n.t('dashboard.passRate'),
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => (r.passRate === null ? null : Math.round(r.passRate * 1000) / 10)),
      },
    ],
  };
}

function districtOption(i18n: I18n, s: PipelineSummary): ChartOption {
  const rows = s.byDistrict ?? [];
  const districts = [...new Set(rows.map((r) => r.district))];
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 72, right: 16, top: 36, bottom: 28 },
    yAxis: { type: 'category', data: districts },
    xAxis: { type: 'value', minInterval: 1 },
    series: TIERS.map((t, i) => ({
      name: i18n.label('tier', t),
      type: 'bar',
      stack: 'total',
      itemStyle: { color: TIER_PALETTE[i] },
      data: districts.map((d) => rows.filter((r) => r.district === d && r.tier === t).reduce((n, r) => n + r.count, 0)),
    })),
  };
}

function grantsOption(i18n: I18n, s: PipelineSummary): ChartOption {
  const rows = s.grants.programmes;
  const wan = (v: number) => Math.round(v / 100) / 100;
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => i18n.wan(Number(v) * 10000) },
    legend: { top: 0 },
    grid: { left: 64, right: 16, top: 36, bottom: 48 },
    xAxis: { type: 'category', data: rows.map((r) => i18n.label('programme', r.code)), axisLabel: { interval: 0, rotate: 15 } },
    yAxis: { type: 'value', name: i18n.t('unit.wan') },
    series: [
      { name: i18n.t('dashboard.budgetUsed'), type: 'bar', stack: 'b', itemStyle: { color: '#1677ff' }, data: rows.map((r) => wan(r.budgetUsed)) },
      { name: i18n.t('dashboard.budgetRemaining'), type: 'bar', stack: 'b', itemStyle: { color: '#d6e4ff' }, data: rows.map((r) => wan(Math.max(0, r.budgetRemaining))) },
    ],
  };
}

function targetsOption(i18n: I18n, p: TargetProgress): ChartOption {
  const names = p.items.map((x) => `${x.district === '*' ? i18n.t('targets.region') : x.district} · ${i18n.label('metric', x.metric)}`);
  const pct = (v: number, target: number) => (target ? Math.round((v / target) * 1000) / 10 : 0);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${v}%` },
    legend: { top: 0 },
    grid: { left: 160, right: 24, top: 36, bottom: 28 },
    yAxis: { type: 'category', data: names },
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [
      { name: i18n.t('targets.actual'), type: 'bar', stack: 'p', itemStyle: { color: '#52c41a' }, data: p.items.map((x) => pct(x.actual, x.target)) },
      {
        name: i18n.t('targets.pipeline'),
        type: 'bar',
        stack: 'p',
        itemStyle: { color: '#b7eb8f' },
        data: p.items.map((x) => pct(x.projection.pipeline, x.target)),
        markLine: { symbol: 'none', data: [{ xAxis: 100 }], lineStyle: { color: '#fa541c', type: 'dashed' }, label: { formatter: i18n.t('targets.target') } },
      },
    ],
  };
}

function ChartCard({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <Card title={title} size="small" extra={extra} style={{ height: '100%' }}>
      {children}
    </Card>
  );
}

/** The pipeline dashboard: tier × colour, funnel, pass rates, districts, grants against budget, target progress. */
export default function DashboardPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  // The year in China: from 00:00 on 1 January Beijing time, not from 08:00 (UTC).
  const year = Number(chinaToday().slice(0, 4));
  const [district, setDistrict] = useState<string>();
  const [regradeJob, setRegradeJob] = useState<string | null>(null);
  const [editingTargets, setEditingTargets] = useState(false);
  const summary = useQuery({
    queryKey: ['pipeline', 'summary', year, district],
    queryFn: () => pipelineSummary(year, district),
  });
  const progress = useQuery({
    queryKey: ['targets', 'progress', year, district],
    queryFn: () => api.get<TargetProgress>(`/api/targets/${year}/progress`, { district }),
  });
  const regrade = useMutation({
    mutationFn: () => api.post<{ jobId: string }>('/api/grading/regrade', district ? { district } : {}),
    onSuccess: (r) => setRegradeJob(r.jobId),
    onError: (e) => message.error(errorText(e, t)),
  });
  const options = useMemo(() => {
    const s = summary.data;
    if (!s) return null;
    return {
      tierColour: tierColourOption(i18n, s),
      funnel: funnelOption(i18n, s),
      passRate: passRateOption(i18n, s),
      district: districtOption(i18n, s),
      grants: grantsOption(i18n, s),
    };
  }, [summary.data, i18n]);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Space wrap>
        <Input.Search allowClear placeholder={t('dashboard.district')} onSearch={(v) => setDistrict(v.trim() || undefined)} style={{ width: 220 }} aria-label={t('dashboard.district')} />
        <Button icon={<ReloadOutlined />} onClick={() => void client.invalidateQueries({ queryKey: ['pipeline'] })}>
          {t('action.refresh')}
        </Button>
        <Button onClick={() => regrade.mutate()} loading={regrade.isPending}>
          {t('dashboard.regrade')}
        </Button>
      </Space>
      {regradeJob && (
        <Card size="small">
          <JobProgress jobId={regradeJob} onFinished={() => void client.invalidateQueries({ queryKey: ['pipeline'] })} />
        </Card>
      )}
      <QueryView query={summary}>
        {(s) => (
          <>
            <Row gutter={[16, 16]}>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('dashboard.enterprises')} value={s.totals.enterprises} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('dashboard.applications')} value={s.applications.total.total} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('dashboard.passRate')} value={s.applications.total.passRate === null ? '—' : i18n.percent(s.applications.total.passRate)} /></Card></Col>
              <Col xs={12} md={6}><Card size="small"><Statistic title={t('dashboard.grantsAmount')} value={i18n.wan(s.grants.totals.amount)} /></Card></Col>
            </Row>
            {'partial' in s && s.partial && <Alert type="warning" showIcon message={t('dashboard.partial')} />}
            {s.totals.enterprises === 0 && <EmptyState description={t('dashboard.empty')} />}
            {options && (
              <Row gutter={[16, 16]}>
                <Col xs={24} xl={12}><ChartCard title={t('dashboard.tierColour')}><EChart option={options.tierColour} label={t('dashboard.tierColour')} /></ChartCard></Col>
                <Col xs={24} xl={12}>
                  <ChartCard title={t('dashboard.funnel', { year: s.year })}>
                    <Row gutter={8}>
                      <Col span={14}><EChart option={options.funnel} label={t('dashboard.funnel', { year: s.year })} /></Col>
                      <Col span={10}>
                        <Table size="small" pagination={false} rowKey="to" dataSource={s.funnel.steps}
                          columns={[
                            { title: t('dashboard.step'), render: (_, r) => `${i18n.label('tier', r.from)} → ${i18n.label('tier', r.to)}` },
                            { title: t('dashboard.entered'), dataIndex: 'entered', align: 'right' },
                            { title: t('dashboard.rate'), dataIndex: 'rate', align: 'right', render: (v: number | null) => i18n.percent(v) },
                          ]} />
                      </Col>
                    </Row>
                  </ChartCard>
                </Col>
                <Col xs={24} xl={12}><ChartCard title={t('dashboard.passRates')}><EChart option={options.passRate} label={t('dashboard.passRates')} /></ChartCard></Col>
                <Col xs={24} xl={12}>
                  <ChartCard title={t('dashboard.districts')}>
                    {s.byDistrict?.length ? <EChart option={options.district} label={t('dashboard.districts')} /> : <EmptyState description={t('dashboard.noDistricts')} />}
                  </ChartCard>
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard title={t('dashboard.grants')}>
                    {s.grants.programmes.length ? <EChart option={options.grants} label={t('dashboard.grants')} /> : <EmptyState description={t('dashboard.noGrants')} />}
                  </ChartCard>
                </Col>
                <Col xs={24} xl={12}>
                  <ChartCard title={t('dashboard.targets', { year })} extra={<Button size="small" onClick={() => setEditingTargets(true)}>{t('targets.edit')}</Button>}>
                    <QueryView query={progress} isEmpty={(p) => p.total === 0} empty={<EmptyState description={t('targets.empty')} />}>
                      {(p) => <EChart option={targetsOption(i18n, p)} height={Math.max(240, p.items.length * 36 + 60)} label={t('dashboard.targets', { year })} />}
                    </QueryView>
                  </ChartCard>
                </Col>
              </Row>
            )}
          </>
        )}
      </QueryView>
      <Modal open={editingTargets} title={t('targets.editTitle', { year })} footer={null} width={760} onCancel={() => setEditingTargets(false)} destroyOnClose>
        <TargetsEditor year={year} onSaved={() => { setEditingTargets(false); void client.invalidateQueries({ queryKey: ['targets'] }); }} />
      </Modal>
    </Space>
  );
}
