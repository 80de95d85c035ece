import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Statistic } from 'antd';
import { api } from '../../api/client';
import type { ApplicationDetail } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { applyApiError, FormError } from '../../components/forms';
import { useI18n, type MessageKey } from '../../i18n';
import { lengthBetween, required, wholeNumber } from '../../lib/rules';

interface Values {
  ip: number;
  conversion: number;
  rdManagement: number;
  growth?: number;
  comment?: string;
}

/** The expert's scoring form with the rubric; the finance expert also scores growth, prefilled with the computed value. */
export function ScoreForm({ app, onDone }: { app: ApplicationDetail; onDone: (next: ApplicationDetail) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const user = useUser();
  const finance = user.expertise === 'finance';
  const rubric = app.pinned?.rubric ?? { ip: 30, conversion: 30, rdManagement: 20, growth: 20, passMark: 71 };
  const computed = app.pinned?.computedGrowth ?? 0;
  const [form] = Form.useForm<Values>();
  const send = useMutation({
    mutationFn: (v: Values) =>
      api.post<ApplicationDetail>(`/api/applications/${app.id}/events`, {
        type: 'SCORE',
        expectedVersion: app.version,
        ip: v.ip,
        conversion: v.conversion,
        rdManagement: v.rdManagement,
        ...(finance ? { growth: v.growth } : {}),
        ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}),
      }),
    onSuccess: onDone,
    onError: (e) => applyApiError(form, e),
  });
  const part = (name: keyof Values, key: MessageKey, max: number) => (
    <Col xs={24} md={finance ? 6 : 8}>
      <Form.Item name={name} label={`${t(key)} (0–${max})`} rules={[required(i18n), wholeNumber(i18n, 0, max)]}>
        <InputNumber min={0} max={max} precision={0} style={{ width: '100%' }} addonAfter={`/ ${max}`} />
      </Form.Item>
    </Col>
  );
  return (
    <Card title={t('score.title')} size="small" data-testid="score-form">
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('score.rubric', { passMark: rubric.passMark })}
        description={finance ? t('score.financeHint', { growth: computed }) : t('score.technicalHint')}
      />
      {finance && <Statistic title={t('score.computedGrowth')} value={computed} suffix={`/ ${rubric.growth}`} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" onFinish={(v) => send.mutate(v)} initialValues={finance ? { growth: computed } : {}}>
        <Row gutter={16}>
          {part('ip', 'field.innovationIp', rubric.ip)}
          {part('conversion', 'field.innovationConversion', rubric.conversion)}
          {part('rdManagement', 'field.innovationRdManagement', rubric.rdManagement)}
          {finance && part('growth', 'field.growth', rubric.growth)}
        </Row>
        <Form.Item name="comment" label={t('field.comment')} rules={[lengthBetween(i18n, 0, 2000)]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <FormError error={send.error} />
        <Button type="primary" htmlType="submit" loading={send.isPending} data-testid="submit-score">
          {t('score.submit')}
        </Button>
      </Form>
    </Card>
  );
}
