import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, List, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { ApplicationDetail, Gap } from '../../api/types';
import { applyApiError, FormError } from '../../components/forms';
import { useI18n, type MessageKey } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';

/** Events whose dialog asks for something; the rest are a confirmation. SCORE has its own form on the page. */
const FIELDS: Record<string, ('reason' | 'optionalReason' | 'approve' | 'calibrationNote' | 'name' | 'contact' | 'upheld')[]> = {
  WITHDRAW: ['optionalReason'],
  RETURN: ['reason'],
  DECLINE: ['reason'],
  DECIDE: ['approve', 'reason', 'calibrationNote'],
  OBJECT: ['name', 'contact', 'reason'],
  RESOLVE_OBJECTION: ['upheld', 'reason'],
};

const DANGER = new Set(['WITHDRAW', 'RETURN', 'DECLINE']);

/** What a refused event needs the person to know: the gaps of an unmet condition, missing documents. */
function RefusalDetails({ error }: { error: unknown }) {
  const { lang, label } = useI18n();
  if (!(error instanceof ApiError)) return null;
  const gaps = (error.body.gaps as Gap[] | undefined) ?? [];
  const missing = (error.body.missing as string[] | undefined) ?? [];
  if (!gaps.length && !missing.length) return null;
  return (
    <List
      size="small"
      bordered
      style={{ marginBottom: 16 }}
      dataSource={[
        ...gaps.map((g) => (lang === 'zh' ? g.messageZh : g.message)),
        ...missing.map((m) => label('document', m)),
      ]}
      renderItem={(text) => <List.Item>{text}</List.Item>}
      data-testid="refusal-details"
    />
  );
}

export function EventButton({
  app,
  type,
  onDone,
}: {
  app: ApplicationDetail;
  type: string;
  onDone: (next: ApplicationDetail, sent: string) => void;
}) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const fields = FIELDS[type] ?? [];
  const flagged = (app.result?.flagged.length ?? 0) > 0;
  const send = useMutation({
    mutationFn: (values: Record<string, unknown>) => {
      const body: Record<string, unknown> = { type, expectedVersion: app.version };
      for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') body[k] = typeof v === 'string' ? v.trim() : v;
      return api.post<ApplicationDetail>(`/api/applications/${app.id}/events`, body);
    },
    onSuccess: (next) => {
      setOpen(false);
      form.resetFields();
      onDone(next, type);
    },
    onError: (error) => applyApiError(form, error),
  });
  const text = (field: 'reason' | 'name' | 'contact' | 'calibrationNote', min: number, max: number, need: boolean) => (
    <Form.Item
      key={field}
      name={field}
      label={t(`field.${field}` as MessageKey)}
      rules={[...(need ? [required(i18n)] : []), lengthBetween(i18n, min, max)]}
    >
      {field === 'reason' || field === 'calibrationNote' ? <Input.TextArea rows={3} /> : <Input />}
    </Form.Item>
  );
  return (
    <>
      <Button
        type={DANGER.has(type) ? 'default' : 'primary'}
        danger={DANGER.has(type)}
        onClick={() => {
          send.reset();
          setOpen(true);
        }}
        data-testid={`event-${type}`}
      >
        {label('event', type)}
      </Button>
      <Modal
        title={label('event', type)}
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('action.confirm')}
        confirmLoading={send.isPending}
        okButtonProps={{ danger: DANGER.has(type), ...({ 'data-testid': 'event-confirm' } as Record<string, string>) }}
        destroyOnClose
      >
        <Typography.Paragraph type="secondary">{label('eventHint', type)}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)} preserve={false} initialValues={{ approve: true }}>
          {fields.includes('approve') && (
            <Form.Item name="approve" label={t('field.decision')} rules={[required(i18n)]}>
              <Radio.Group>
                <Radio value={true}>{t('decision.approve')}</Radio>
                <Radio value={false}>{t('decision.reject')}</Radio>
              </Radio.Group>
            </Form.Item>
          )}
          {fields.includes('upheld') && (
            <Form.Item name="upheld" label={t('field.upheld')} rules={[required(i18n)]}>
              <Radio.Group>
                <Radio value={true}>{t('objection.upheld')}</Radio>
                <Radio value={false}>{t('objection.dismissed')}</Radio>
              </Radio.Group>
            </Form.Item>
          )}
          {fields.includes('name') && text('name', 2, 60, true)}
          {fields.includes('contact') && text('contact', 5, 100, true)}
          {fields.includes('reason') && text('reason', 2, 2000, true)}
          {fields.includes('optionalReason') && text('reason', 2, 2000, false)}
          {fields.includes('calibrationNote') && flagged && (
            <>
              <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('decision.calibrationNeeded')} />
              <Form.Item noStyle shouldUpdate>
                {({ getFieldValue }) => text('calibrationNote', 2, 2000, getFieldValue('approve') === true)}
              </Form.Item>
            </>
          )}
          <RefusalDetails error={send.error} />
          <FormError error={send.error} />
        </Form>
        <Space />
      </Modal>
    </>
  );
}
