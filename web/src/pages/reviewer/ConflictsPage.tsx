import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Space, Table } from 'antd';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { EnterprisePicker } from '../../components/EnterprisePicker';
import { applyApiError, FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';

interface Conflict {
  id: string;
  enterpriseId: string;
  /** Sent with the declaration: a reviewer may not open the records of an enterprise they are on no panel of. */
  enterpriseName: string | null;
  reason: string;
  createdAt: string;
}

/** Conflict declarations (回避): the reviewer is never drawn for these enterprises' panels. */
export default function ConflictsPage() {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ enterpriseId: string; reason: string }>();
  const list = useQuery({ queryKey: ['conflicts'], queryFn: () => api.get<Page<Conflict>>('/api/reviewers/me/conflicts') });
  const declare = useMutation({
    mutationFn: (v: { enterpriseId: string; reason: string }) => api.post('/api/reviewers/me/conflicts', { ...v, reason: v.reason.trim() }),
    onSuccess: () => {
      message.success(t('conflicts.declared'));
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['conflicts'] });
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('conflicts.declare')}>
        <Form form={form} layout="vertical" onFinish={(v) => declare.mutate(v)} style={{ maxWidth: 560 }}>
          <Form.Item name="enterpriseId" label={t('field.enterprise')} rules={[required(i18n)]}>
            <EnterprisePicker />
          </Form.Item>
          <Form.Item name="reason" label={t('field.reason')} rules={[required(i18n), lengthBetween(i18n, 2, 500)]}>
            <Input.TextArea rows={2} placeholder={t('conflicts.reasonHint')} />
          </Form.Item>
          <FormError error={declare.error} />
          <Button type="primary" htmlType="submit" loading={declare.isPending}>{t('conflicts.submit')}</Button>
        </Form>
      </Card>
      <Card title={t('conflicts.list')}>
        <QueryView query={list} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('conflicts.empty')} />}>
          {(d) => (
            <Table<Conflict> rowKey="id" dataSource={d.items} pagination={{ pageSize: 20 }}
              columns={[
                { title: t('field.enterprise'), dataIndex: 'enterpriseName', render: (name, c) => name ?? c.enterpriseId.slice(0, 8) },
                { title: t('field.reason'), dataIndex: 'reason' },
                { title: t('field.createdAt'), dataIndex: 'createdAt', render: dateTime },
              ]} />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
