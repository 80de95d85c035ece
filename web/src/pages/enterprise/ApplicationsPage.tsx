import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { ApplicationDetail, ApplicationSummary } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';
import { required } from '../../lib/rules';
import { usePaged } from '../../lib/usePaged';
import { ApplicationsTable } from '../applications/ApplicationsTable';

const TIERS = ['tech_sme', 'high_tech', 'leader'] as const;

/** Opens a new application (`POST /api/applications`) for the enterprise and goes to it. */
export function NewApplicationButton({ enterpriseId }: { enterpriseId: string }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ targetTier: string }>();
  const create = useMutation({
    mutationFn: (v: { targetTier: string }) => api.post<ApplicationDetail>('/api/applications', { enterpriseId, ...v }),
    onSuccess: (app) => {
      message.success(t('applications.created'));
      void client.invalidateQueries({ queryKey: ['applications'] });
      setOpen(false);
      navigate(`/applications/${app.id}`);
    },
  });
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="new-application">
        {t('applications.new')}
      </Button>
      <Modal
        title={t('applications.new')}
        open={open}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('action.create')}
        confirmLoading={create.isPending}
        destroyOnClose
      >
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} preserve={false}>
          <Form.Item name="targetTier" label={t('field.targetTier')} rules={[required(i18n)]}>
            <Select
              options={TIERS.map((v) => ({ value: v, label: label('tier', v) }))}
              aria-label={t('field.targetTier')}
              data-testid="target-tier"
            />
          </Form.Item>
          <Alert type="info" showIcon message={t('applications.newHint')} />
          <div style={{ marginTop: 16 }}>
            <FormError error={create.error} />
          </div>
        </Form>
      </Modal>
    </>
  );
}

export default function ApplicationsPage() {
  const user = useUser();
  const { t } = useI18n();
  const list = usePaged<ApplicationSummary>('applications', '/api/applications');
  if (!user.enterpriseId) return <Alert type="warning" message={t('enterprise.noEnterprise')} />;
  return (
    <Card extra={<NewApplicationButton enterpriseId={user.enterpriseId} />} title={t('applications.mine')}>
      <QueryView
        query={list.query}
        isEmpty={(d) => d.total === 0}
        empty={<EmptyState description={t('applications.empty')} action={<Space />} />}
      >
        {(d) => (
          <ApplicationsTable
            data={d}
            page={list.page}
            pageSize={list.pageSize}
            onPage={list.onPage}
            loading={list.query.isFetching}
            showEnterprise={false}
          />
        )}
      </QueryView>
    </Card>
  );
}
