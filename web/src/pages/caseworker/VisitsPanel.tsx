import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Form, Input, List, Modal, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Need, VisitsPage } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { applyApiError, FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';

const KINDS = ['on_site', 'phone', 'online', 'meeting'];
const CATEGORIES = ['funding', 'talent', 'land', 'ip', 'finance', 'policy', 'market', 'other'];
const STATUSES = ['open', 'in_progress', 'resolved', 'unresolvable'];

function NeedRow({ enterpriseId, need, editable }: { enterpriseId: string; need: Need; editable: boolean }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const update = useMutation({
    mutationFn: (v: { status: string; outcome?: string }) =>
      api.patch(`/api/enterprises/${enterpriseId}/needs/${need.id}`, { ...v, outcome: v.outcome?.trim() || undefined, version: need.version }),
    onSuccess: () => {
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['visits', enterpriseId] });
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <List.Item
      actions={editable ? [<Button key="u" size="small" onClick={() => setOpen(true)}>{t('visits.updateNeed')}</Button>] : []}
    >
      <Space direction="vertical" size={0}>
        <Space>
          <Tag>{label('needCategory', need.category)}</Tag>
          <Tag color={need.status === 'resolved' ? 'success' : need.status === 'open' ? 'orange' : 'processing'}>{label('needStatus', need.status)}</Tag>
          <span>{need.text}</span>
        </Space>
        {need.outcome && <Typography.Text type="secondary">{need.outcome}</Typography.Text>}
      </Space>
      <Modal open={open} title={t('visits.updateNeed')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={update.isPending} destroyOnClose>
        <Form form={form} layout="vertical" initialValues={{ status: need.status }} onFinish={(v) => update.mutate(v)} preserve={false}>
          <Form.Item name="status" label={t('field.status')} rules={[required(i18n)]}>
            <Select options={STATUSES.map((s) => ({ value: s, label: label('needStatus', s) }))} />
          </Form.Item>
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) => {
              const closing = ['resolved', 'unresolvable'].includes(getFieldValue('status'));
              return (
                <Form.Item name="outcome" label={t('field.outcome')} rules={[...(closing ? [required(i18n)] : []), lengthBetween(i18n, 2, 2000)]}>
                  <Input.TextArea rows={3} />
                </Form.Item>
              );
            }}
          </Form.Item>
          <FormError error={update.error} />
        </Form>
      </Modal>
    </List.Item>
  );
}

interface VisitValues {
  date: Dayjs;
  kind: string;
  notes: string;
  needs?: { category: string; text: string }[];
}

/** Follow-up visits (跟踪回访) with the needs raised, tracked to resolution; visits due are listed first. */
export function VisitsPanel({ enterpriseId }: { enterpriseId: string }) {
  const i18n = useI18n();
  const { t, label, date } = i18n;
  const { message } = App.useApp();
  const user = useUser();
  const client = useQueryClient();
  const [form] = Form.useForm<VisitValues>();
  const [open, setOpen] = useState(false);
  const editable = user.role === 'caseworker' || user.role === 'manager';
  const visits = useQuery({
    queryKey: ['visits', enterpriseId],
    queryFn: () => api.get<VisitsPage>(`/api/enterprises/${enterpriseId}/visits`),
  });
  const record = useMutation({
    mutationFn: (v: VisitValues) =>
      api.post(`/api/enterprises/${enterpriseId}/visits`, {
        date: v.date.format('YYYY-MM-DD'),
        kind: v.kind,
        notes: v.notes.trim(),
        needs: (v.needs ?? []).map((n) => ({ category: n.category, text: n.text.trim() })),
      }),
    onSuccess: () => {
      message.success(t('visits.recorded'));
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['visits', enterpriseId] });
      void client.invalidateQueries({ queryKey: ['casework'] });
    },
    onError: (e) => applyApiError(form, e),
  });
  return (
    <Card
      size="small"
      title={t('visits.title')}
      extra={editable && <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>{t('visits.record')}</Button>}
    >
      <QueryView query={visits}>
        {(d) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {d.due.filter((x) => x.status === 'open').map((x) => (
              <Alert key={x.id} type={x.dueOn < dayjs().format('YYYY-MM-DD') ? 'error' : 'warning'} showIcon
                message={t('visits.due', { date: date(x.dueOn) })} description={label('visitReason', x.reason)} />
            ))}
            {d.items.length === 0 ? (
              <EmptyState description={t('visits.empty')} />
            ) : (
              <List
                itemLayout="vertical"
                dataSource={d.items}
                renderItem={(v) => (
                  <List.Item key={v.id}>
                    <Space>
                      <Typography.Text strong>{date(v.visitedOn)}</Typography.Text>
                      <Tag>{label('visitKind', v.kind)}</Tag>
                    </Space>
                    <Typography.Paragraph style={{ margin: '4px 0' }}>{v.notes}</Typography.Paragraph>
                    {v.needs.length > 0 && (
                      <List size="small" bordered dataSource={v.needs} renderItem={(n) => <NeedRow enterpriseId={enterpriseId} need={n} editable={editable} />} />
                    )}
                  </List.Item>
                )}
              />
            )}
          </Space>
        )}
      </QueryView>
      <Modal open={open} title={t('visits.record')} width={640} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={record.isPending} destroyOnClose>
        <Form<VisitValues> form={form} layout="vertical" onFinish={(v) => record.mutate(v)} initialValues={{ date: dayjs(), kind: 'on_site', needs: [] }} preserve={false}>
          <Space>
            <Form.Item name="date" label={t('field.date')} rules={[required(i18n)]}>
              <DatePicker disabledDate={(d) => d.isAfter(dayjs())} />
            </Form.Item>
            <Form.Item name="kind" label={t('visits.kind')} rules={[required(i18n)]}>
              <Select style={{ width: 160 }} options={KINDS.map((k) => ({ value: k, label: label('visitKind', k) }))} />
            </Form.Item>
          </Space>
          <Form.Item name="notes" label={t('field.notes')} rules={[required(i18n), lengthBetween(i18n, 2, 5000)]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.List name="needs">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'category']} rules={[required(i18n)]}>
                      <Select style={{ width: 120 }} placeholder={t('visits.category')} options={CATEGORIES.map((c) => ({ value: c, label: label('needCategory', c) }))} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'text']} rules={[required(i18n), lengthBetween(i18n, 2, 2000)]}>
                      <Input style={{ width: 340 }} placeholder={t('visits.needText')} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('action.remove')} />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>{t('visits.addNeed')}</Button>
              </>
            )}
          </Form.List>
          <div style={{ marginTop: 16 }}><FormError error={record.error} /></div>
        </Form>
      </Modal>
    </Card>
  );
}
