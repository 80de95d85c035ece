import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Table } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useEffect } from 'react';
import { api } from '../../api/client';
import { applyApiError, FormError } from '../../components/forms';
import { MoneyInput } from '../../components/inputs';
import { QueryView } from '../../components/PageState';
import { ColourTag } from '../../components/Tags';
import { useI18n, type MessageKey } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';

interface RegionConfig {
  version: number;
  ruleSet: string;
  config: { leader: Record<string, number>; colours: { colour: string; when: string }[] };
}

const LEADER: { key: string; kind: 'money' | 'fraction' | 'count' }[] = [
  { key: 'revenueMin', kind: 'money' },
  { key: 'revenueGrowthMin', kind: 'fraction' },
  { key: 'rdTwoYearMin', kind: 'money' },
  { key: 'rdRatioMin', kind: 'fraction' },
  { key: 'classOneIpMin', kind: 'count' },
  { key: 'mainBusinessShareMin', kind: 'fraction' },
  { key: 'debtRatioMax', kind: 'fraction' },
  { key: 'certificateValidityYears', kind: 'count' },
];
const PREDICATES = ['always', 'holds_high_tech_or_leader', 'high_tech_no_unmet', 'high_tech_all_met', 'tech_sme_eligible', 'leader_no_unmet', 'leader_all_met'];

/** The region's overrides: leader criteria and the colour mapping, saved as a new version (then re-grade). */
export default function RegionConfigPage() {
  const i18n = useI18n();
  const { t, label, dateTime } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm();
  const current = useQuery({ queryKey: ['region-config'], queryFn: () => api.get<RegionConfig>('/api/grading/region-config') });
  const versions = useQuery({ queryKey: ['region-config', 'versions'], queryFn: () => api.get<{ items: { version: number; note: string | null; createdAt: string }[] }>('/api/grading/region-config/versions') });
  useEffect(() => {
    if (current.data) form.setFieldsValue({ leader: current.data.config.leader, colours: current.data.config.colours });
  }, [current.data, form]);
  const save = useMutation({
    mutationFn: (v: { leader: Record<string, number>; colours: unknown[]; note?: string }) =>
      api.put<RegionConfig>('/api/grading/region-config', { leader: v.leader, colours: v.colours, ...(v.note?.trim() ? { note: v.note.trim() } : {}) }),
    onSuccess: (r) => { message.success(t('region.saved', { version: r.version })); void client.invalidateQueries({ queryKey: ['region-config'] }); },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <QueryView query={current}>
      {(c) => (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          <Card title={t('region.current', { version: c.version, ruleSet: c.ruleSet })}>
            <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
              <Row gutter={16}>
                {LEADER.map(({ key, kind }) => (
                  <Col xs={24} md={12} xl={6} key={key}>
                    <Form.Item name={['leader', key]} label={t(`region.${key}` as MessageKey)} rules={[required(i18n)]}
                      tooltip={kind === 'fraction' ? t('region.fractionHint') : undefined}>
                      {kind === 'money' ? <MoneyInput /> : <InputNumber min={0} step={kind === 'fraction' ? 0.01 : 1} precision={kind === 'fraction' ? 4 : 0} style={{ width: '100%' }} />}
                    </Form.Item>
                  </Col>
                ))}
              </Row>
              <Form.List name="colours">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f, i) => (
                      <Space key={f.key} align="baseline">
                        <span style={{ width: 24, display: 'inline-block' }}>{i + 1}.</span>
                        <Form.Item name={[f.name, 'colour']} rules={[required(i18n)]}>
                          <Select style={{ width: 120 }} options={['orange', 'red', 'blue', 'green'].map((x) => ({ value: x, label: <ColourTag colour={x} /> }))} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'when']} rules={[required(i18n)]}>
                          <Select style={{ width: 320 }} options={PREDICATES.map((p) => ({ value: p, label: label('predicate', p) }))} />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('action.remove')} />
                      </Space>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ colour: 'orange', when: 'always' })}>{t('region.addRule')}</Button>
                  </>
                )}
              </Form.List>
              <Form.Item name="note" label={t('region.note')} rules={[lengthBetween(i18n, 0, 500)]} style={{ marginTop: 16 }}><Input /></Form.Item>
              <FormError error={save.error} />
              <Button type="primary" htmlType="submit" loading={save.isPending}>{t('region.save')}</Button>
            </Form>
          </Card>
          <Card title={t('region.versions')}>
            <Table size="small" rowKey="version" loading={versions.isLoading} dataSource={versions.data?.items ?? []} pagination={{ pageSize: 10 }}
              columns={[
                { title: t('field.version'), dataIndex: 'version' },
                { title: t('region.note'), dataIndex: 'note', render: (v) => v || '—' },
                { title: t('field.createdAt'), dataIndex: 'createdAt', render: dateTime },
              ]} />
          </Card>
        </Space>
      )}
    </QueryView>
  );
}
