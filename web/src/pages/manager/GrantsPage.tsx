import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Grant } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { EnterpriseName } from '../../components/EnterpriseName';
import { applyApiError, FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { StateTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { lengthBetween, required } from '../../lib/rules';
import { usePaged } from '../../lib/usePaged';
import { ConfirmPayeeButton } from '../grants/ConfirmPayeeButton';
import { GrantWhy } from '../grants/GrantWhy';

const STATES = ['needs_data', 'waitlisted', 'eligible', 'notified', 'confirmed', 'approved', 'paid', 'cancelled', 'clawed_back'];

type Action = 'notify' | 'approve' | 'pay' | 'cancel' | 'claw-back';

function GrantActions({ grant }: { grant: Grant }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const user = useUser();
  const client = useQueryClient();
  const [dialog, setDialog] = useState<Action | null>(null);
  const [form] = Form.useForm();
  const act = useMutation({
    mutationFn: ({ action, body }: { action: Action; body?: Record<string, unknown> }) => api.post(`/api/grants/${grant.id}/${action}`, body ?? {}),
    onSuccess: () => {
      message.success(t('common.saved'));
      setDialog(null);
      void client.invalidateQueries({ queryKey: ['grants'] });
    },
    onError: (e) => applyApiError(form, e),
  });
  const manager = user.role === 'manager';
  const buttons: { action: Action; show: boolean; danger?: boolean }[] = [
    { action: 'notify', show: grant.state === 'eligible' && (manager || user.role === 'caseworker') },
    { action: 'approve', show: grant.state === 'confirmed' && manager },
    { action: 'pay', show: grant.state === 'approved' && (manager || user.role === 'admin') },
    { action: 'cancel', show: manager && !['paid', 'cancelled', 'clawed_back'].includes(grant.state), danger: true },
    { action: 'claw-back', show: manager && grant.state === 'paid', danger: true },
  ];
  const needsForm = dialog === 'pay' || dialog === 'cancel' || dialog === 'claw-back';
  return (
    <Space wrap>
      {grant.state === 'notified' && user.role === 'caseworker' && <ConfirmPayeeButton grant={grant} />}
      {buttons.filter((b) => b.show).map((b) => (
        <Button key={b.action} size="small" danger={b.danger}
          onClick={() => (['pay', 'cancel', 'claw-back'].includes(b.action) ? setDialog(b.action) : act.mutate({ action: b.action }))}
          loading={act.isPending && act.variables?.action === b.action}>
          {i18n.label('grantAction', b.action)}
        </Button>
      ))}
      {act.isError && !needsForm && <FormError error={act.error} />}
      <Modal open={needsForm} title={dialog ? i18n.label('grantAction', dialog) : ''} onCancel={() => setDialog(null)} onOk={() => form.submit()} confirmLoading={act.isPending} destroyOnClose>
        <Form form={form} layout="vertical" preserve={false}
          onFinish={(v) => act.mutate({ action: dialog!, body: { ...v, paidOn: v.paidOn ? (v.paidOn as Dayjs).format('YYYY-MM-DD') : undefined } })}>
          {dialog === 'pay' ? (
            <>
              <Form.Item name="reference" label={t('field.paymentReference')} rules={[required(i18n), lengthBetween(i18n, 2, 100)]}><Input /></Form.Item>
              {/* The day the treasury paid: today unless the transfer was made earlier (not before approval). */}
              <Form.Item name="paidOn" label={t('field.paidOn')} extra={t('grants.paidOnHint')}>
                <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
              </Form.Item>
            </>
          ) : (
            <Form.Item name="reason" label={t('field.reason')} rules={[required(i18n), lengthBetween(i18n, 2, 2000)]}><Input.TextArea rows={3} /></Form.Item>
          )}
          <FormError error={act.error} />
        </Form>
      </Modal>
    </Space>
  );
}

/** Grants by programme, state and period; four-eyes approval, payment records, and the payment export. */
export default function GrantsPage() {
  const { t, label, yuan } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const [state, setState] = useState<string>();
  const [programmeCode, setProgrammeCode] = useState<string>();
  const [period, setPeriod] = useState<number | null>(new Date().getFullYear());
  const list = usePaged<Grant>('grants', '/api/grants', { state, programmeCode, period: period ?? undefined });
  const exportFile = (format: 'csv' | 'xlsx') =>
    void api.download('/api/grants/export', `grants.${format}`, { format, programmeCode, period: period ?? undefined }).catch((e: Error) => message.error(e.message));
  return (
    <Card extra={user.role !== 'caseworker' && (
      <Space>
        <Button icon={<DownloadOutlined />} onClick={() => exportFile('csv')}>{t('grants.exportCsv')}</Button>
        <Button icon={<DownloadOutlined />} onClick={() => exportFile('xlsx')}>{t('grants.exportXlsx')}</Button>
      </Space>
    )}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('field.state')} value={state} onChange={(v) => { setState(v); list.reset(); }} style={{ width: 160 }}
          options={STATES.map((s) => ({ value: s, label: label('grantState', s) }))} aria-label={t('field.state')} />
        <Input allowClear placeholder={t('programmes.code')} onBlur={(e) => { setProgrammeCode(e.target.value.trim() || undefined); list.reset(); }} style={{ width: 180 }} aria-label={t('programmes.code')} />
        <InputNumber placeholder={t('grants.period')} value={period} onChange={(v) => { setPeriod(v); list.reset(); }} min={2000} max={2100} precision={0} aria-label={t('grants.period')} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('grants.emptyStaff')} />}>
        {(d) => (
          <Table<Grant> rowKey="id" dataSource={d.items} loading={list.query.isFetching}
            expandable={{ expandedRowRender: (g) => <GrantWhy grant={g} /> }}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showSizeChanger: true, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('field.enterprise'), dataIndex: 'enterpriseId', render: (id) => <EnterpriseName id={id} link /> },
              { title: t('grants.programme'), render: (_, g) => g.programmeName ?? label('programme', g.programmeCode) },
              { title: t('grants.period'), dataIndex: 'period' },
              { title: t('grants.amount'), dataIndex: 'amount', align: 'right', render: yuan },
              { title: t('field.state'), dataIndex: 'state', render: (v) => <StateTag state={v} group="grantState" /> },
              { title: t('common.actions'), render: (_, g) => <GrantActions grant={g} /> },
            ]} />
        )}
      </QueryView>
    </Card>
  );
}
