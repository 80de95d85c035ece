import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Grant } from '../../api/types';
import { applyApiError, FormError } from '../../components/forms';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';

/** The enterprise confirms its payee account (收款账户): notified → confirmed. */
export function ConfirmPayeeButton({ grant }: { grant: Grant }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const confirm = useMutation({
    mutationFn: (v: Record<string, string>) =>
      api.post<Grant>(`/api/grants/${grant.id}/confirm`, {
        accountName: v.accountName.trim(),
        bankName: v.bankName.trim(),
        accountNumber: v.accountNumber.replace(/\s/g, ''),
      }),
    onSuccess: () => {
      message.success(t('grants.confirmed'));
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['grants'] });
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <>
      <Button type="primary" size="small" onClick={() => setOpen(true)}>
        {t('grants.confirmPayee')}
      </Button>
      <Modal
        open={open}
        title={t('grants.confirmPayee')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={confirm.isPending}
        destroyOnClose
      >
        <Form form={form} layout="vertical" onFinish={(v) => confirm.mutate(v)} preserve={false}>
          <Form.Item name="accountName" label={t('field.accountName')} rules={[required(i18n), lengthBetween(i18n, 2, 200)]}>
            <Input />
          </Form.Item>
          <Form.Item name="bankName" label={t('field.bankName')} rules={[required(i18n), lengthBetween(i18n, 2, 200)]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="accountNumber"
            label={t('field.accountNumber')}
            rules={[required(i18n), { pattern: /^\d{8,32}$/, message: t('validation.accountNumber') }]}
          >
            <Input inputMode="numeric" />
          </Form.Item>
          <FormError error={confirm.error} />
        </Form>
      </Modal>
    </>
  );
}
