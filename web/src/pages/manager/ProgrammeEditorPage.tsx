import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Collapse, Form, Input, InputNumber, Radio, Row, Select, Space, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { FactDefinition, Page, Programme, Simulation } from '../../api/types';
import { applyApiError, FormError } from '../../components/forms';
import { MoneyInput } from '../../components/inputs';
import { JobProgress } from '../../components/JobProgress';
import { Loading, ErrorState, errorText } from '../../components/PageState';
import { StateTag } from '../../components/Tags';
import { useI18n, type I18n } from '../../i18n';
import { lengthBetween, required, wholeNumber } from '../../lib/rules';
import { SimulationResult } from './SimulationResult';

interface Values {
  code: string;
  name: string;
  description?: string;
  region?: string;
  districts?: string[];
  period: number;
  event: string;
  kind?: string | null;
  rule: string;
  amountType: 'fixed' | 'formula';
  fixed?: number;
  formula?: string;
  cap?: number;
  budget: number;
}

const TRIGGERS = ['tier.recognised', 'indicators.filed', 'manual'];

function json(i18n: I18n, need: boolean) {
  return {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value?.trim()) {
        if (need) throw new Error(i18n.t('validation.required'));
        return;
      }
      try {
        JSON.parse(value);
      } catch (e) {
        throw new Error(i18n.t('validation.json', { detail: (e as Error).message }));
      }
    },
  };
}

function toBody(v: Values) {
  const amount =
    v.amountType === 'fixed'
      ? { fixed: v.fixed }
      : { formula: JSON.parse(v.formula ?? 'null'), ...(v.cap !== undefined && v.cap !== null ? { cap: v.cap } : {}) };
  return {
    name: v.name.trim(),
    ...(v.description?.trim() ? { description: v.description.trim() } : {}),
    ...(v.region?.trim() ? { region: v.region.trim() } : {}),
    districts: v.districts?.length ? v.districts : null,
    trigger: { event: v.event, ...(v.event === 'tier.recognised' && v.kind ? { kind: v.kind } : {}) },
    rule: JSON.parse(v.rule),
    amount,
    budget: v.budget,
  };
}

function toValues(p: Programme): Values {
  return {
    code: p.code,
    name: p.name,
    description: p.description ?? undefined,
    region: p.region,
    districts: p.districts ?? [],
    period: p.period,
    event: p.trigger.event,
    kind: p.trigger.kind,
    rule: JSON.stringify(p.rule, null, 2),
    amountType: p.amount.fixed !== undefined ? 'fixed' : 'formula',
    fixed: p.amount.fixed,
    formula: p.amount.formula !== undefined ? JSON.stringify(p.amount.formula, null, 2) : undefined,
    cap: p.amount.cap,
    budget: p.budget,
  };
}

/** A programme's rules and amounts, validated before sending; a simulation (政策沙盘) must be seen before activating. */
export default function ProgrammeEditorPage() {
  const { id = 'new' } = useParams();
  const isNew = id === 'new';
  const i18n = useI18n();
  const { t, label } = i18n;
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  const [simulatedFor, setSimulatedFor] = useState<string | null>(null);
  const [runJob, setRunJob] = useState<string | null>(null);
  const [dirty, setDirty] = useState(0);
  const programme = useQuery({
    queryKey: ['programme', id],
    queryFn: () => api.get<Programme>(`/api/programmes/${id}`),
    enabled: !isNew,
  });
  const facts = useQuery({ queryKey: ['programme-facts'], queryFn: () => api.get<Page<FactDefinition>>('/api/programmes/facts'), staleTime: Infinity });
  useEffect(() => {
    if (programme.data) form.setFieldsValue(toValues(programme.data));
  }, [programme.data, form]);
  const current = () => JSON.stringify(form.getFieldsValue(true));
  const simulate = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return api.post<Simulation>('/api/programmes/simulate', { ...toBody(v), period: v.period, ...(v.code ? { code: v.code } : {}) });
    },
    onSuccess: (s) => {
      setSimulation(s);
      setSimulatedFor(current());
    },
    onError: (e) => applyApiError(form, e),
  });
  const save = useMutation({
    mutationFn: async () => {
      const v = await form.validateFields();
      return isNew
        ? api.post<Programme>('/api/programmes', { ...toBody(v), code: v.code, period: v.period })
        : api.patch<Programme>(`/api/programmes/${id}`, toBody(v));
    },
    onSuccess: (p) => {
      message.success(p.id !== id ? t('programmes.savedVersion', { version: p.version }) : t('common.saved'));
      void client.invalidateQueries({ queryKey: ['programmes'] });
      client.setQueryData(['programme', p.id], p);
      if (p.id !== id) navigate(`/programmes/${p.id}`, { replace: true });
    },
    onError: (e) => applyApiError(form, e),
  });
  const action = useMutation({
    mutationFn: (what: 'activate' | 'close' | 'runs') => api.post<Programme & { jobId?: string }>(`/api/programmes/${id}/${what}`),
    onSuccess: (r, what) => {
      if (what === 'runs' && r.jobId) setRunJob(r.jobId);
      else {
        message.success(t('common.saved'));
        client.setQueryData(['programme', id], r);
      }
      void client.invalidateQueries({ queryKey: ['programmes'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  if (!isNew && programme.isLoading) return <Loading rows={10} />;
  if (!isNew && programme.isError) return <ErrorState error={programme.error} onRetry={() => void programme.refetch()} />;
  const p = programme.data;
  const editable = isNew || p?.status !== 'closed';
  const simulatedCurrent = simulatedFor !== null && simulatedFor === current();
  void dirty;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={isNew ? t('programmes.new') : <Space>{p?.code}<span>v{p?.version}</span>{p && <StateTag state={p.status} group="programmeStatus" />}</Space>}
        extra={
          !isNew && p && (
            <Space>
              {p.status === 'draft' && (
                <Button type="primary" disabled={!simulatedCurrent} loading={action.isPending}
                  title={simulatedCurrent ? undefined : t('programmes.simulateFirst')}
                  onClick={() => modal.confirm({ title: t('programmes.activateConfirm'), onOk: () => action.mutateAsync('activate').catch(() => undefined) })}>
                  {t('programmes.activate')}
                </Button>
              )}
              {p.status === 'active' && (
                <>
                  <Button onClick={() => action.mutate('runs')} loading={action.isPending}>{t('programmes.run')}</Button>
                  <Button danger onClick={() => modal.confirm({ title: t('programmes.closeConfirm'), onOk: () => action.mutateAsync('close').catch(() => undefined) })}>{t('programmes.close')}</Button>
                </>
              )}
            </Space>
          )
        }
      >
        {p?.status === 'active' && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('programmes.activeHint')} />}
        {!isNew && p?.status === 'draft' && !simulatedCurrent && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('programmes.simulateFirst')} />}
        <Form<Values> form={form} layout="vertical" disabled={!editable} onValuesChange={() => setDirty((n) => n + 1)}
          initialValues={{ period: new Date().getFullYear(), event: 'tier.recognised', amountType: 'fixed', region: 'local', rule: '{\n  "==": [{ "var": "event.tier" }, "high_tech"]\n}' }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="code" label={t('programmes.code')} rules={[required(i18n), { pattern: /^[a-z][a-z0-9_]{1,59}$/, message: t('validation.code') }]}>
                <Input disabled={!isNew} />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="name" label={t('field.name')} rules={[required(i18n), lengthBetween(i18n, 2, 200)]}><Input /></Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="period" label={t('grants.period')} rules={[required(i18n), wholeNumber(i18n, 2000, 2100)]}>
                <InputNumber disabled={!isNew} min={2000} max={2100} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="description" label={t('programmes.description')} rules={[lengthBetween(i18n, 0, 4000)]}><Input.TextArea rows={2} /></Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="region" label={t('programmes.region')} rules={[lengthBetween(i18n, 1, 60)]}><Input /></Form.Item>
            </Col>
            <Col xs={24} md={16}>
              <Form.Item name="districts" label={t('programmes.districts')} tooltip={t('programmes.districtsHint')}>
                <Select mode="tags" tokenSeparators={[',', '，']} placeholder={t('programmes.allDistricts')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="event" label={t('programmes.trigger')} rules={[required(i18n)]}>
                <Select options={TRIGGERS.map((v) => ({ value: v, label: label('trigger', v) }))} />
              </Form.Item>
            </Col>
            <Form.Item noStyle shouldUpdate={(a, b) => a.event !== b.event}>
              {({ getFieldValue }) =>
                getFieldValue('event') === 'tier.recognised' && (
                  <Col xs={24} md={8}>
                    <Form.Item name="kind" label={t('programmes.kind')}>
                      <Select allowClear placeholder={t('programmes.anyKind')} options={['first', 'renewal'].map((v) => ({ value: v, label: label('certKind', v) }))} />
                    </Form.Item>
                  </Col>
                )
              }
            </Form.Item>
            <Col xs={24} md={8}>
              <Form.Item name="budget" label={t('programmes.budget')} rules={[required(i18n), wholeNumber(i18n)]}><MoneyInput /></Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="rule" label={t('programmes.rule')} tooltip={t('programmes.ruleHint')} rules={[json(i18n, true)]}>
                <Input.TextArea rows={6} style={{ fontFamily: 'monospace' }} spellCheck={false} />
              </Form.Item>
            </Col>
            <Col xs={24}>
              <Form.Item name="amountType" label={t('programmes.amount')}>
                <Radio.Group options={[{ value: 'fixed', label: t('programmes.fixed') }, { value: 'formula', label: t('programmes.formula') }]} />
              </Form.Item>
            </Col>
            <Form.Item noStyle shouldUpdate={(a, b) => a.amountType !== b.amountType}>
              {({ getFieldValue }) =>
                getFieldValue('amountType') === 'fixed' ? (
                  <Col xs={24} md={8}>
                    <Form.Item name="fixed" label={t('programmes.fixed')} rules={[required(i18n), wholeNumber(i18n)]}><MoneyInput /></Form.Item>
                  </Col>
                ) : (
                  <>
                    <Col xs={24} md={16}>
                      <Form.Item name="formula" label={t('programmes.formula')} rules={[json(i18n, true)]}>
                        <Input.TextArea rows={3} style={{ fontFamily: 'monospace' }} spellCheck={false} placeholder='{"*": [{"var": "indicators.rdIncrease"}, 0.01]}' />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item name="cap" label={t('programmes.cap')} rules={[wholeNumber(i18n)]}><MoneyInput /></Form.Item>
                    </Col>
                  </>
                )
              }
            </Form.Item>
          </Row>
          <FormError error={save.error ?? simulate.error ?? action.error} />
          <Space>
            <Button onClick={() => simulate.mutate()} loading={simulate.isPending} disabled={false}>{t('programmes.simulate')}</Button>
            {editable && <Button type="primary" onClick={() => save.mutate()} loading={save.isPending}>{isNew ? t('action.create') : t('action.save')}</Button>}
          </Space>
        </Form>
      </Card>
      {runJob && <Card title={t('programmes.runProgress')}><JobProgress jobId={runJob} /></Card>}
      {simulation && <SimulationResult simulation={simulation} stale={!simulatedCurrent} />}
      <Collapse items={[{
        key: 'facts',
        label: t('programmes.facts'),
        children: (
          <Table<FactDefinition> size="small" rowKey="name" loading={facts.isLoading} dataSource={facts.data?.items ?? []} pagination={false}
            columns={[
              { title: t('programmes.fact'), dataIndex: 'name', render: (v) => <code>{v}</code> },
              { title: t('programmes.factType'), dataIndex: 'type' },
              { title: t('programmes.factMeaning'), dataIndex: 'description' },
            ]} />
        ),
      }]} />
    </Space>
  );
}
