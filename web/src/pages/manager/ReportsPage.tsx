import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, InputNumber, Segmented, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import { QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';

interface ReportRow {
  key: string;
  section: string;
  metric: string;
  tier: string;
  district: string;
  current: number | null;
  previous: number | null;
  lastYear: number | null;
  deltaPrevious: number | null;
  deltaLastYear: number | null;
}

type Kind = 'month' | 'quarter' | 'year';

/** 月监测、季分析、年评估: a period's figures against the previous period and last year; CSV/XLSX download. */
export default function ReportsPage() {
  const { t, lang, number, percent } = useI18n();
  const { message } = App.useApp();
  const now = new Date();
  const [kind, setKind] = useState<Kind>('month');
  const [year, setYear] = useState(now.getFullYear());
  const [index, setIndex] = useState(now.getMonth() + 1);
  const period = kind === 'year' ? `${year}` : kind === 'quarter' ? `${year}-Q${Math.min(index, 4)}` : `${year}-${String(index).padStart(2, '0')}`;
  const report = useQuery({
    queryKey: ['report', period, lang],
    queryFn: () => api.get<Record<string, unknown>>(`/api/reports/${period}`, { format: 'json', lang }),
  });
  const download = (format: 'csv' | 'xlsx') =>
    void api.download(`/api/reports/${period}`, `report-${period}.${format}`, { format, lang }).catch((e: Error) => message.error(e.message));
  const signed = (v: number | null) => (v === null ? '—' : v > 0 ? `+${number(v)}` : number(v));
  // A rate (the pass rate, a ratio in the report) reads as a percentage; its changes in percentage points.
  const isRate = (row: ReportRow) => String(row.key).endsWith('passRate');
  const figure = (v: number | null, row: ReportRow) => (isRate(row) ? percent(v) : number(v));
  const change = (v: number | null, row: ReportRow) =>
    isRate(row) ? (v === null ? '—' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} pp`) : signed(v);
  return (
    <Card
      extra={
        <Space>
          <Button icon={<DownloadOutlined />} onClick={() => download('csv')}>CSV</Button>
          <Button icon={<DownloadOutlined />} onClick={() => download('xlsx')}>XLSX</Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented<Kind> value={kind} onChange={(k) => { setKind(k); setIndex(1); }}
          options={[{ value: 'month', label: t('reports.month') }, { value: 'quarter', label: t('reports.quarter') }, { value: 'year', label: t('reports.year') }]} />
        <InputNumber value={year} onChange={(v) => v && setYear(v)} min={2000} max={2100} precision={0} aria-label={t('reports.year')} />
        {kind !== 'year' && (
          <Select value={index} onChange={setIndex} style={{ width: 120 }} aria-label={t(kind === 'month' ? 'reports.month' : 'reports.quarter')}
            options={Array.from({ length: kind === 'month' ? 12 : 4 }, (_, i) => ({ value: i + 1, label: kind === 'month' ? t('reports.monthN', { n: i + 1 }) : `Q${i + 1}` }))} />
        )}
        <Typography.Text type="secondary">{period}</Typography.Text>
      </Space>
      <QueryView query={report}>
        {(r) => {
          const rows = Array.isArray(r.rows) ? (r.rows as ReportRow[]) : null;
          const headers = Array.isArray(r.columns) ? (r.columns as string[]) : null;
          if (!rows) return <pre style={{ maxHeight: 480, overflow: 'auto' }}>{JSON.stringify(r, null, 2)}</pre>;
          const h = (i: number, fallback: string) => headers?.[i] ?? fallback;
          return (
            <Table<ReportRow> size="small" rowKey="key" dataSource={rows} pagination={{ pageSize: 50 }}
              columns={[
                { title: h(0, t('reports.section')), dataIndex: 'section' },
                { title: h(1, t('reports.metric')), dataIndex: 'metric' },
                { title: h(2, t('field.tier')), dataIndex: 'tier' },
                { title: h(3, t('field.district')), dataIndex: 'district' },
                { title: h(4, t('reports.current')), dataIndex: 'current', align: 'right', render: (v, row) => figure(v, row) },
                { title: h(5, t('reports.previous')), dataIndex: 'previous', align: 'right', render: (v, row) => figure(v, row) },
                { title: h(6, t('reports.lastYear')), dataIndex: 'lastYear', align: 'right', render: (v, row) => figure(v, row) },
                { title: h(7, t('reports.deltaPrevious')), dataIndex: 'deltaPrevious', align: 'right', render: (v, row) => change(v, row) },
                { title: h(8, t('reports.deltaLastYear')), dataIndex: 'deltaLastYear', align: 'right', render: (v, row) => change(v, row) },
              ]} />
          );
        }}
      </QueryView>
    </Card>
  );
}
