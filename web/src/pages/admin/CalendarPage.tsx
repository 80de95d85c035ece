import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/client';
import type { CalendarOverride } from '../../api/types';
import { applyApiError, FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';
import { usePaged } from '../../lib/usePaged';

/** Working-day calendar overrides for years the shipped official data does not cover (or corrections). */
export default function CalendarPage() {
  const i18n = useI18n();
  const { t, date } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [year, setYear] = useState<number | null>(null);
  const [form] = Form.useForm<{ date: Dayjs; workday: boolean; note?: string }>();
  const coverage = useQuery({ queryKey: ['calendar', 'coverage'], queryFn: () => api.get<{ officialYears: number[] }>('/api/calendar/coverage') });
  const list = usePaged<CalendarOverride>('calendar', '/api/calendar/overrides', { year: year ?? undefined });
  const refresh = () => void client.invalidateQueries({ queryKey: ['calendar'] });
  const set = useMutation({
    mutationFn: (v: { date: Dayjs; workday: boolean; note?: string }) =>
      api.put(`/api/calendar/days/${v.date.format('YYYY-MM-DD')}`, { workday: v.workday, ...(v.note?.trim() ? { note: v.note.trim() } : {}) }),
    onSuccess: () => { message.success(t('common.saved')); form.resetFields(); refresh(); },
    onError: (e) => applyApiError(form, e),
  });
  const remove = useMutation({ mutationFn: (d: string) => api.delete(`/api/calendar/days/${d}`), onSuccess: refresh });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('calendar.set')}>
        <Typography.Paragraph type="secondary">
          {t('calendar.coverage', { years: coverage.data?.officialYears.join('、') ?? '…' })}
        </Typography.Paragraph>
        <Form form={form} layout="inline" onFinish={(v) => set.mutate(v)} initialValues={{ workday: false }}>
          <Form.Item name="date" label={t('field.date')} rules={[required(i18n)]}><DatePicker /></Form.Item>
          <Form.Item name="workday" label={t('calendar.kind')}>
            <Radio.Group options={[{ value: true, label: t('calendar.workday') }, { value: false, label: t('calendar.dayOff') }]} />
          </Form.Item>
          <Form.Item name="note" label={t('calendar.note')} rules={[lengthBetween(i18n, 0, 200)]}><Input style={{ width: 260 }} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={set.isPending}>{t('action.save')}</Button>
        </Form>
        <div style={{ marginTop: 12 }}><FormError error={set.error} /></div>
      </Card>
      <Card title={t('calendar.overrides')} extra={<InputNumber placeholder={t('reports.year')} value={year} onChange={(v) => { setYear(v); list.reset(); }} min={1949} max={2199} precision={0} aria-label={t('reports.year')} />}>
        <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('calendar.empty')} />}>
          {(d) => (
            <Table<CalendarOverride> rowKey="date" dataSource={d.items}
              pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage }}
              columns={[
                { title: t('field.date'), dataIndex: 'date', render: date },
                { title: t('calendar.kind'), dataIndex: 'workday', render: (v) => <Tag color={v ? 'blue' : 'green'}>{v ? t('calendar.workday') : t('calendar.dayOff')}</Tag> },
                { title: t('calendar.note'), dataIndex: 'note', render: (v) => v || '—' },
                { title: t('common.actions'), render: (_, r) => (
                  <Popconfirm title={t('calendar.removeConfirm')} onConfirm={() => remove.mutate(r.date)}>
                    <Button size="small" danger>{t('action.remove')}</Button>
                  </Popconfirm>
                ) },
              ]} />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
