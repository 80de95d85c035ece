import { KeyOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { lengthBetween, required } from '../lib/rules';
import { applyApiError, FormError } from './forms';

/** The signed-in user's own password change (`POST /api/me/password`); other sessions end, this one goes on. */
export function ChangePasswordButton() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const { adoptToken } = useAuth();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const change = useMutation({
    mutationFn: (v: { currentPassword: string; newPassword: string }) =>
      api.post<{ accessToken: string }>('/api/me/password', v),
    onSuccess: (answer) => {
      adoptToken(answer.accessToken);
      setOpen(false);
      message.success(t('password.changed'));
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <>
      <Button icon={<KeyOutlined />} size="small" onClick={() => { change.reset(); setOpen(true); }}>
        {t('password.change')}
      </Button>
      <Modal open={open} title={t('password.change')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={change.isPending} destroyOnClose>
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => change.mutate(v)}>
          <Form.Item name="currentPassword" label={t('password.current')} rules={[required(i18n)]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="newPassword" label={t('password.new')} rules={[required(i18n), lengthBetween(i18n, 10, 200)]} extra={t('users.passwordHint')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <FormError error={change.error} />
        </Form>
      </Modal>
    </>
  );
}
