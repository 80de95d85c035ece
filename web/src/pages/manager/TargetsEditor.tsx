import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Form, Input, InputNumber, Select, Space } from 'antd';
import { useEffect } from 'react';
import { api } from '../../api/client';
import { TARGET_METRICS } from '../../api/pipeline';
import { applyApiError, FormError } from '../../components/forms';
import { QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { required, wholeNumber } from '../../lib/rules';

interface Target {
  district: string;
  metric: string;
  value: number;
}

/** The year's targets (指标任务) per district and metric; saving replaces the whole set (`PUT /api/targets/:year`). */
export function TargetsEditor({ year, onSaved }: { year: number; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [form] = Form.useForm<{ targets: Target[] }>();
  const current = useQuery({
    queryKey: ['targets', 'list', year],
    queryFn: () => api.get<{ version: number; items: Target[] }>(`/api/targets/${year}`),
  });
  useEffect(() => {
    if (current.data) form.setFieldsValue({ targets: current.data.items.map(({ district, metric, value }) => ({ district, metric, value })) });
  }, [current.data, form]);
  const save = useMutation({
    // The version the form was loaded at: a set saved by someone else meanwhile answers 409 instead of being replaced.
    mutationFn: (v: { targets: Target[] }) =>
      api.put(
        `/api/targets/${year}`,
        { targets: (v.targets ?? []).map((x) => ({ ...x, district: x.district.trim() })) },
        current.data ? { 'if-match': String(current.data.version) } : undefined,
      ),
    onSuccess: () => {
      void current.refetch();
      onSaved();
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <QueryView query={current}>
      {() => (
        <Form form={form} onFinish={(v) => save.mutate(v)}>
          <Form.List name="targets">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'district']} rules={[required(i18n)]} tooltip={t('targets.districtHint')}>
                      <Input placeholder={t('targets.districtHint')} style={{ width: 180 }} aria-label={t('field.district')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'metric']} rules={[required(i18n)]}>
                      <Select style={{ width: 200 }} placeholder={t('targets.metric')} options={TARGET_METRICS.map((m) => ({ value: m, label: label('metric', m) }))} aria-label={t('targets.metric')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'value']} rules={[required(i18n), wholeNumber(i18n)]}>
                      <InputNumber min={0} precision={0} style={{ width: 160 }} placeholder={t('targets.value')} aria-label={t('targets.value')} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('action.remove')} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ district: '*' })}>
                  {t('targets.add')}
                </Button>
              </>
            )}
          </Form.List>
          <div style={{ marginTop: 16 }}>
            <FormError error={save.error} />
            <Button type="primary" htmlType="submit" loading={save.isPending}>{t('action.save')}</Button>
          </div>
        </Form>
      )}
    </QueryView>
  );
}
