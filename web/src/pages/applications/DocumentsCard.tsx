import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Select, Space, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { ApplicationDetail, Attachment, Page } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { FormError } from '../../components/forms';
import { EmptyState, QueryView } from '../../components/PageState';
import { useI18n } from '../../i18n';

const EDITABLE = ['draft', 'returned'];
/** The documents a certification file usually holds (高新认定申报材料), as codes the API stores; labels in i18n. */
const DOCUMENT_TYPES = [
  'business_license',
  'audit_report',
  'financial_statements',
  'rd_expense_audit',
  'high_tech_revenue_audit',
  'ip_certificates',
  'staff_roster',
  'conversion_evidence',
  'other',
];

/** The application's documents: list with download, and upload while the enterprise can still edit. */
export function DocumentsCard({ app }: { app: ApplicationDetail }) {
  const { t, label, dateTime, number } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const client = useQueryClient();
  const [documentType, setDocumentType] = useState('');
  const list = useQuery({
    queryKey: ['attachments', app.id],
    queryFn: () => api.get<Page<Attachment>>(`/api/applications/${app.id}/attachments`),
  });
  const upload = useMutation({
    mutationFn: (file: File) => api.upload<Attachment>(`/api/applications/${app.id}/attachments`, file, { documentType }),
    onSuccess: () => {
      message.success(t('documents.uploaded'));
      void client.invalidateQueries({ queryKey: ['attachments', app.id] });
    },
  });
  const canUpload = EDITABLE.includes(app.state) && (user.role === 'enterprise' || user.role === 'caseworker');
  const required = app.pinned?.requiredDocuments ?? [];
  const typeOk = /^[a-z0-9_]{2,60}$/.test(documentType);
  return (
    <Card title={t('documents.title')} size="small">
      {required.length > 0 && (
        <Space style={{ marginBottom: 12 }} wrap>
          {t('documents.required')}
          {required.map((d) => (
            <Tag key={d}>{label('document', d)}</Tag>
          ))}
        </Space>
      )}
      {canUpload && (
        <Space align="start" style={{ marginBottom: 12 }} wrap>
          <Form.Item
            label={t('documents.type')}
            validateStatus={documentType && !typeOk ? 'error' : undefined}
            help={documentType && !typeOk ? t('documents.typeRule') : undefined}
            style={{ marginBottom: 0 }}
          >
            <Select
              value={documentType || undefined}
              onChange={(v: string) => setDocumentType(v)}
              placeholder={t('documents.typePlaceholder')}
              style={{ width: 260 }}
              aria-label={t('documents.type')}
              options={[...new Set([...required, ...DOCUMENT_TYPES])].map((d) => ({ value: d, label: label('document', d) }))}
            />
          </Form.Item>
          <Upload
            accept=".pdf,.png,.jpg,.jpeg,.xlsx,.csv"
            showUploadList={false}
            disabled={!typeOk}
            beforeUpload={(file) => {
              upload.mutate(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} disabled={!typeOk} loading={upload.isPending}>
              {t('documents.upload')}
            </Button>
          </Upload>
        </Space>
      )}
      <FormError error={upload.error} />
      <QueryView query={list} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('documents.empty')} />}>
        {(d) => (
          <Table<Attachment>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('documents.type'), dataIndex: 'documentType', render: (v) => label('document', v) },
              { title: t('documents.file'), dataIndex: 'filename' },
              { title: t('documents.size'), dataIndex: 'size', render: (v: number) => `${number(Math.ceil(v / 1024))} KB` },
              { title: t('field.createdAt'), dataIndex: 'createdAt', render: dateTime },
              {
                title: t('common.actions'),
                render: (_, a) => (
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    onClick={() =>
                      void api.download(`/api/applications/${app.id}/attachments/${a.id}`, a.filename).catch((e: Error) => message.error(e.message))
                    }
                  >
                    {t('action.download')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
