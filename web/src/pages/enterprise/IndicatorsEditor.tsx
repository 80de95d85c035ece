import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Divider,
  Form,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../../api/client';
import type {
  AnnualIndicators,
  Certification,
  Enterprise,
  EvaluationResult,
  IndicatorsView,
  Page,
} from '../../api/types';
import { CheckupResult } from '../../components/CheckupResult';
import { applyApiError, FormError } from '../../components/forms';
import { CountInput, MoneyInput } from '../../components/inputs';
import { EmptyState, ErrorState, Loading } from '../../components/PageState';
import { ColourTag } from '../../components/Tags';
import { useI18n, type MessageKey } from '../../i18n';
import { chinaToday } from '../../lib/format';
import { notAbove, required, wholeNumber } from '../../lib/rules';

const DIRECT = ['national_award_top3', 'provincial_rd_institution', 'led_standard'] as const;
const DECLARATIONS = ['majorViolation', 'restrictedIndustry', 'dishonestyList', 'superDeductionExcluded'] as const;

interface FormValues extends Omit<AnnualIndicators, 'innovation'> {
  assessed: boolean;
  innovation?: { ip?: number; conversion?: number; rdManagement?: number };
}

const EMPTY: Partial<FormValues> = {
  ip: { classI: 0, classII: 0 },
  supportedField: false,
  assessed: false,
  declarations: { majorViolation: false, restrictedIndustry: false, dishonestyList: false, superDeductionExcluded: false },
  directQualifications: [],
};

/** The body of `PUT /api/enterprises/:id/indicators/:year`: only the fields the DTO knows. */
export function toBody(v: FormValues): AnnualIndicators {
  const body: AnnualIndicators = {
    employees: v.employees,
    techStaff: v.techStaff,
    totalAssets: v.totalAssets,
    totalLiabilities: v.totalLiabilities,
    totalCosts: v.totalCosts,
    revenue: v.revenue,
    rdExpense: v.rdExpense,
    domesticRdExpense: v.domesticRdExpense,
    netAssets: v.netAssets,
    ip: { classI: v.ip?.classI ?? 0, classII: v.ip?.classII ?? 0 },
    supportedField: !!v.supportedField,
    declarations: { ...EMPTY.declarations, ...v.declarations },
    directQualifications: v.directQualifications ?? [],
  };
  for (const k of ['totalIncome', 'highTechRevenue', 'mainBusinessRevenue'] as const)
    if (typeof v[k] === 'number') body[k] = v[k];
  if (v.assessed && v.innovation)
    body.innovation = {
      ip: v.innovation.ip ?? 0,
      conversion: v.innovation.conversion ?? 0,
      rdManagement: v.innovation.rdManagement ?? 0,
    };
  return body;
}

/** Grading facts for the live check-up: this year's form, earlier years on file, the active high-tech certificate. */
function toFacts(
  enterprise: Enterprise,
  year: number,
  body: AnnualIndicators,
  others: IndicatorsView[],
  highTechIssuedOn: string | null,
) {
  const fin = (y: number, d: AnnualIndicators) => {
    const f: Record<string, number> = {
      year: y,
      revenue: d.revenue,
      rdExpense: d.rdExpense,
      domesticRdExpense: d.domesticRdExpense,
      netAssets: d.netAssets,
    };
    for (const k of ['totalIncome', 'highTechRevenue', 'mainBusinessRevenue'] as const)
      if (typeof d[k] === 'number') f[k] = d[k]!;
    return f;
  };
  const earlier = others
    .filter((o) => o.year < year)
    .sort((a, b) => b.year - a.year)
    .slice(0, 2);
  const asOf = chinaToday();
  return {
    asOf: enterprise.registeredOn > asOf ? enterprise.registeredOn : asOf,
    registeredOn: enterprise.registeredOn,
    employees: body.employees,
    techStaff: body.techStaff,
    totalAssets: body.totalAssets,
    totalLiabilities: body.totalLiabilities,
    totalCosts: body.totalCosts,
    financials: [...earlier.map((o) => fin(o.year, o)), fin(year, body)],
    ip: body.ip,
    supportedField: body.supportedField,
    ...(body.innovation ? { innovation: body.innovation } : {}),
    declarations: body.declarations,
    directQualifications: body.directQualifications,
    highTechCertificate: highTechIssuedOn ? { issuedOn: highTechIssuedOn } : null,
  };
}

/** Annual indicators per year with live validation and a live self check-up (政策体检) beside the form. */
export function IndicatorsEditor({ enterpriseId }: { enterpriseId: string }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const thisYear = Number(chinaToday().slice(0, 4));
  const [year, setYear] = useState(thisYear - 1);
  const [checkup, setCheckup] = useState<EvaluationResult | null>(null);
  const [checkupError, setCheckupError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const timer = useRef<number>();
  const sequence = useRef(0);

  const enterprise = useQuery({
    queryKey: ['enterprise', enterpriseId],
    queryFn: () => api.get<Enterprise>(`/api/enterprises/${enterpriseId}`),
  });
  const years = useQuery({
    queryKey: ['indicators', enterpriseId],
    queryFn: () => api.get<Page<IndicatorsView>>(`/api/enterprises/${enterpriseId}/indicators`),
  });
  const certs = useQuery({
    queryKey: ['certifications', enterpriseId],
    queryFn: () => api.get<Page<Certification>>(`/api/enterprises/${enterpriseId}/certifications`),
  });
  const highTechIssuedOn =
    certs.data?.items.find((c) => c.tier === 'high_tech' && c.status === 'active')?.issuedOn ?? null;
  const current = years.data?.items.find((y) => y.year === year);

  // The year and version the form was filled from. A save sends that version (If-Match), so a save by someone else
  // meanwhile answers 409 instead of being overwritten; and refetches (the grade refresh after a save, a window
  // refocus) fill the form again only when it shows another year or nothing typed in it would be lost.
  const loaded = useRef<{ year: number; version: number | null } | null>(null);
  const fill = (row: IndicatorsView | undefined) => {
    form.resetFields();
    if (row) {
      const { enterpriseId: _e, year: _y, version: _v, updatedAt: _u, ...data } = row;
      form.setFieldsValue({ ...EMPTY, ...data, assessed: !!data.innovation });
    } else form.setFieldsValue(EMPTY);
    loaded.current = { year, version: row?.version ?? null };
    setCheckup(null);
    setSaveError(null);
  };

  useEffect(() => {
    if (!years.data) return;
    const version = current?.version ?? null;
    const shown = loaded.current;
    if (!shown || shown.year !== year || (shown.version !== version && !form.isFieldsTouched())) fill(current);
    schedule();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [year, years.data]);

  // A new grade or certificate changes the check-up, never what was typed.
  useEffect(() => {
    schedule();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enterprise.data, certs.data]);

  const runCheckup = async () => {
    if (!enterprise.data || !years.data) return;
    const mine = ++sequence.current;
    try {
      await form.validateFields({ validateOnly: true });
    } catch {
      return; // an invalid form is not sent; the field messages say why
    }
    const body = toBody(form.getFieldsValue(true) as FormValues);
    setChecking(true);
    try {
      const facts = toFacts(enterprise.data, year, body, years.data.items, highTechIssuedOn);
      const result = await api.post<EvaluationResult>('/api/grading/evaluate', facts);
      if (mine === sequence.current) {
        setCheckup(result);
        setCheckupError(null);
      }
    } catch (error) {
      if (mine === sequence.current) setCheckupError(error);
    } finally {
      if (mine === sequence.current) setChecking(false);
    }
  };
  function schedule() {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void runCheckup(), 400);
  }
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const save = useMutation({
    mutationFn: (body: AnnualIndicators) =>
      api.put<IndicatorsView>(
        `/api/enterprises/${enterpriseId}/indicators/${year}`,
        body,
        loaded.current?.version != null ? { 'if-match': String(loaded.current.version) } : undefined,
      ),
    onSuccess: (saved) => {
      if (loaded.current?.year === saved.year) loaded.current = { year: saved.year, version: saved.version };
      setSaveError(null);
      message.success(t('indicators.saved', { year }));
      void client.invalidateQueries({ queryKey: ['indicators', enterpriseId] });
      // The stored grade is recomputed in the background (outbox); refresh it shortly.
      window.setTimeout(() => {
        void client.invalidateQueries({ queryKey: ['enterprise', enterpriseId] });
        void client.invalidateQueries({ queryKey: ['evaluation', enterpriseId] });
      }, 1500);
    },
    onError: (error) => {
      setSaveError(error);
      applyApiError(form, error);
    },
  });

  const yearOptions = useMemo(() => {
    const first = enterprise.data ? Math.max(Number(enterprise.data.registeredOn.slice(0, 4)), thisYear - 6) : thisYear - 3;
    const out = [];
    for (let y = thisYear; y >= first; y--) out.push(y);
    return out;
  }, [enterprise.data, thisYear]);

  if (enterprise.isLoading || years.isLoading) return <Loading rows={10} />;
  if (enterprise.isError) return <ErrorState error={enterprise.error} onRetry={() => void enterprise.refetch()} />;
  if (years.isError) return <ErrorState error={years.error} onRetry={() => void years.refetch()} />;

  const money = (name: keyof AnnualIndicators, key: MessageKey, optional = false) => (
    <Col xs={24} sm={12}>
      <Form.Item
        name={name}
        label={t(key)}
        rules={[...(optional ? [] : [required(i18n)]), wholeNumber(i18n)]}
        tooltip={optional ? t('indicators.optionalHint') : undefined}
      >
        <MoneyInput />
      </Form.Item>
    </Col>
  );
  const innovationPart = (name: 'ip' | 'conversion' | 'rdManagement', key: MessageKey, max: number) => (
    <Col span={8}>
      <Form.Item name={['innovation', name]} label={t(key)} rules={[required(i18n), wholeNumber(i18n, 0, max)]}>
        <CountInput max={max} addonAfter={`/ ${max}`} />
      </Form.Item>
    </Col>
  );

  return (
    <Row gutter={24}>
      <Col xs={24} xl={13}>
        <Card
          title={
            <Space>
              {t('indicators.year')}
              <Select
                value={year}
                onChange={setYear}
                options={yearOptions.map((y) => ({
                  value: y,
                  label: `${y}${years.data?.items.some((i) => i.year === y) ? ` · ${t('indicators.onFile')}` : ''}`,
                }))}
                style={{ width: 160 }}
                aria-label={t('indicators.year')}
                data-testid="year-select"
              />
            </Space>
          }
          extra={
            <Space>
              <Typography.Text type="secondary">{t('indicators.storedColour')}</Typography.Text>
              <ColourTag colour={enterprise.data?.colour} />
            </Space>
          }
        >
          {!current && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('indicators.newYear', { year })} />}
          <Form<FormValues>
            form={form}
            layout="vertical"
            onValuesChange={schedule}
            onFinish={(values) => save.mutate(toBody({ ...(form.getFieldsValue(true) as FormValues), ...values }))}
            scrollToFirstError
            data-testid="indicators-form"
          >
            <Divider orientation="left" plain>
              {t('indicators.people')}
            </Divider>
            <Row gutter={16}>
              <Col xs={24} sm={12}>
                <Form.Item name="employees" label={t('field.employees')} rules={[required(i18n), wholeNumber(i18n)]}>
                  <CountInput addonAfter={t('unit.people')} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name="techStaff"
                  label={t('field.techStaff')}
                  dependencies={['employees']}
                  rules={[required(i18n), wholeNumber(i18n), notAbove(i18n, ['employees'], t('field.employees'))]}
                >
                  <CountInput addonAfter={t('unit.people')} />
                </Form.Item>
              </Col>
            </Row>
            <Divider orientation="left" plain>
              {t('indicators.finance')}
            </Divider>
            <Row gutter={16}>
              {money('revenue', 'field.revenue')}
              {money('totalIncome', 'field.totalIncome', true)}
              {money('highTechRevenue', 'field.highTechRevenue', true)}
              {money('mainBusinessRevenue', 'field.mainBusinessRevenue', true)}
              {money('rdExpense', 'field.rdExpense')}
              <Col xs={24} sm={12}>
                <Form.Item
                  name="domesticRdExpense"
                  label={t('field.domesticRdExpense')}
                  dependencies={['rdExpense']}
                  rules={[required(i18n), wholeNumber(i18n), notAbove(i18n, ['rdExpense'], t('field.rdExpense'))]}
                >
                  <MoneyInput />
                </Form.Item>
              </Col>
              {money('totalCosts', 'field.totalCosts')}
              {money('totalAssets', 'field.totalAssets')}
              {money('totalLiabilities', 'field.totalLiabilities')}
              {money('netAssets', 'field.netAssets')}
            </Row>
            <Divider orientation="left" plain>
              {t('indicators.innovation')}
            </Divider>
            <Row gutter={16}>
              <Col xs={12}>
                <Form.Item name={['ip', 'classI']} label={t('field.classI')} rules={[required(i18n), wholeNumber(i18n)]}>
                  <CountInput addonAfter={t('unit.items')} />
                </Form.Item>
              </Col>
              <Col xs={12}>
                <Form.Item name={['ip', 'classII']} label={t('field.classII')} rules={[required(i18n), wholeNumber(i18n)]}>
                  <CountInput addonAfter={t('unit.items')} />
                </Form.Item>
              </Col>
              <Col xs={24}>
                <Form.Item name="supportedField" label={t('field.supportedField')} valuePropName="checked">
                  <Switch checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="assessed" valuePropName="checked">
              <Checkbox>{t('indicators.assessed')}</Checkbox>
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.assessed !== b.assessed}>
              {({ getFieldValue }) =>
                getFieldValue('assessed') ? (
                  <Row gutter={16}>
                    {innovationPart('ip', 'field.innovationIp', 30)}
                    {innovationPart('conversion', 'field.innovationConversion', 30)}
                    {innovationPart('rdManagement', 'field.innovationRdManagement', 20)}
                  </Row>
                ) : null
              }
            </Form.Item>
            <Divider orientation="left" plain>
              {t('indicators.declarations')}
            </Divider>
            <Row gutter={16}>
              {DECLARATIONS.map((d) => (
                <Col xs={24} md={12} key={d}>
                  <Form.Item name={['declarations', d]} valuePropName="checked" style={{ marginBottom: 8 }}>
                    <Checkbox>{label('declaration', d)}</Checkbox>
                  </Form.Item>
                </Col>
              ))}
            </Row>
            <Form.Item name="directQualifications" label={t('field.directQualifications')}>
              <Checkbox.Group options={DIRECT.map((d) => ({ value: d, label: label('direct', d) }))} />
            </Form.Item>
            <FormError error={saveError} />
            <Space>
              <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-indicators">
                {t('indicators.save', { year })}
              </Button>
              <Button onClick={() => void runCheckup()}>{t('indicators.recheck')}</Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={11}>
        <div style={{ position: 'sticky', top: 16 }}>
          <Space style={{ marginBottom: 8 }}>
            <Typography.Text strong>{t('checkup.live')}</Typography.Text>
            {checking && <Tag color="processing">{t('checkup.running')}</Tag>}
          </Space>
          {checkupError ? (
            <Alert
              type="warning"
              showIcon
              message={t('checkup.error')}
              description={checkupError instanceof ApiError ? checkupError.message : String(checkupError)}
            />
          ) : checkup ? (
            <CheckupResult result={checkup} />
          ) : (
            <Card>
              <EmptyState description={t('checkup.fillIn')} />
            </Card>
          )}
        </div>
      </Col>
    </Row>
  );
}
