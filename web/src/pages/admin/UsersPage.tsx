import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { EnterpriseName } from '../../components/EnterpriseName';
import { EnterprisePicker } from '../../components/EnterprisePicker';
import { applyApiError, FormError } from '../../components/forms';
import { EmptyState, errorText, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';
import { usePaged } from '../../lib/usePaged';

const ROLES = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'];

/** Users and roles: reviewers need an expertise, enterprise users an enterprise. */
export default function UsersPage() {
  const i18n = useI18n();
  const { t, label, dateTime } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [role, setRole] = useState<string>();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const list = usePaged<User>('users', '/api/users', { role });
  const create = useMutation({
    mutationFn: (v: Record<string, string>) => api.post<User>('/api/users', Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''))),
    onSuccess: () => {
      message.success(t('users.created'));
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => applyApiError(form, e),
  });
  // The version the list showed: a change made meanwhile by another admin answers 409, and the list reloads.
  const setActive = useMutation({
    mutationFn: (u: User) => api.patch<User>(`/api/users/${u.id}`, { version: u.version, active: !u.active }),
    onSuccess: () => {
      message.success(t('users.updated'));
      void client.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => {
      message.error(errorText(e, t));
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const [resetting, setResetting] = useState<User | null>(null);
  const [resetForm] = Form.useForm<{ password: string }>();
  const reset = useMutation({
    mutationFn: (v: { password: string }) => api.put<User>(`/api/users/${resetting!.id}/password`, v),
    onSuccess: () => {
      message.success(t('users.passwordReset'));
      setResetting(null);
      void client.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => applyApiError(resetForm, e),
  });
  return (
    <Card extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => { create.reset(); setOpen(true); }}>{t('users.new')}</Button>}>
      <Space style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('users.role')} value={role} onChange={(v) => { setRole(v); list.reset(); }} style={{ width: 160 }}
          options={ROLES.map((r) => ({ value: r, label: label('role', r) }))} aria-label={t('users.role')} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('users.empty')} />}>
        {(d) => (
          <Table<User> rowKey="id" dataSource={d.items} loading={list.query.isFetching}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('signin.username'), dataIndex: 'username' },
              { title: t('users.displayName'), dataIndex: 'displayName', render: (v) => v || '—' },
              { title: t('users.role'), dataIndex: 'role', render: (v) => <Tag color="gold">{label('role', v)}</Tag> },
              { title: t('users.expertise'), dataIndex: 'expertise', render: (v) => (v ? label('expertise', v) : '—') },
              { title: t('field.enterprise'), dataIndex: 'enterpriseId', render: (v) => (v ? <EnterpriseName id={v} /> : '—') },
              { title: t('field.status'), dataIndex: 'active', render: (v) => <Tag color={v ? 'success' : 'default'}>{v ? t('users.active') : t('users.inactive')}</Tag> },
              { title: t('field.createdAt'), dataIndex: 'createdAt', render: dateTime },
              {
                title: t('users.actions'),
                key: 'actions',
                render: (_, u) => (
                  <Space size="small">
                    {u.active ? (
                      <Popconfirm title={t('users.deactivateConfirm')} onConfirm={() => setActive.mutate(u)}>
                        <Button size="small" danger>{t('users.deactivate')}</Button>
                      </Popconfirm>
                    ) : (
                      <Button size="small" onClick={() => setActive.mutate(u)}>{t('users.reactivate')}</Button>
                    )}
                    <Button size="small" onClick={() => { reset.reset(); setResetting(u); }}>{t('users.resetPassword')}</Button>
                  </Space>
                ),
              },
            ]} />
        )}
      </QueryView>
      <Modal open={open} title={t('users.new')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={create.isPending} destroyOnClose>
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => create.mutate(v)} initialValues={{ role: 'caseworker' }}>
          <Form.Item name="username" label={t('signin.username')} rules={[required(i18n), { pattern: /^[A-Za-z0-9._-]{3,64}$/, message: t('validation.username') }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="password" label={t('signin.password')} rules={[required(i18n), lengthBetween(i18n, 10, 200)]} extra={t('users.passwordHint')}><Input.Password autoComplete="new-password" /></Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')} rules={[lengthBetween(i18n, 0, 100)]}><Input /></Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[required(i18n)]}><Select options={ROLES.map((r) => ({ value: r, label: label('role', r) }))} /></Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.role !== b.role}>
            {({ getFieldValue }) => (
              <>
                {getFieldValue('role') === 'reviewer' && (
                  <Form.Item name="expertise" label={t('users.expertise')} rules={[required(i18n)]}>
                    <Select options={['technical', 'finance'].map((x) => ({ value: x, label: label('expertise', x) }))} />
                  </Form.Item>
                )}
                {getFieldValue('role') === 'enterprise' && (
                  <Form.Item name="enterpriseId" label={t('field.enterprise')} rules={[required(i18n)]}><EnterprisePicker /></Form.Item>
                )}
              </>
            )}
          </Form.Item>
          <FormError error={create.error} />
        </Form>
      </Modal>
      <Modal open={!!resetting} title={`${t('users.resetPassword')} · ${resetting?.username ?? ''}`} onCancel={() => setResetting(null)} onOk={() => resetForm.submit()} confirmLoading={reset.isPending} destroyOnClose>
        <Form form={resetForm} layout="vertical" preserve={false} onFinish={(v) => reset.mutate(v)}>
          <Form.Item name="password" label={t('password.new')} rules={[required(i18n), lengthBetween(i18n, 10, 200)]} extra={t('users.passwordHint')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <FormError error={reset.error} />
        </Form>
      </Modal>
    </Card>
  );
}
