import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client';
import type { Job } from '../../api/types';
import { FormError } from '../../components/forms';
import { JobProgress } from '../../components/JobProgress';
import { useI18n } from '../../i18n';

interface RowError {
  rowNumber: number;
  column: string;
  reason: string;
}

interface ImportResult {
  rows: number;
  accepted: number;
  rejected: number;
  enterprises: Record<string, number>;
  indicators: Record<string, number>;
  errors?: RowError[];
  errorsTruncated?: boolean;
  fileErrors?: RowError[];
}

function ImportReport({ job }: { job: Job }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const r = job.result as ImportResult | null;
  if (!r) return null;
  const errors = [...(r.fileErrors ?? []), ...(r.errors ?? [])];
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-report">
      <Descriptions bordered size="small" column={3}>
        <Descriptions.Item label={t('import.rows')}>{r.rows}</Descriptions.Item>
        <Descriptions.Item label={t('import.accepted')}>{r.accepted}</Descriptions.Item>
        <Descriptions.Item label={t('import.rejected')}>{r.rejected}</Descriptions.Item>
        <Descriptions.Item label={t('import.enterprises')}>
          {t('import.outcomes', { created: r.enterprises?.created ?? 0, updated: r.enterprises?.updated ?? 0, unchanged: r.enterprises?.unchanged ?? 0 })}
        </Descriptions.Item>
        <Descriptions.Item label={t('import.indicators')} span={2}>
          {t('import.outcomes', { created: r.indicators?.created ?? 0, updated: r.indicators?.updated ?? 0, unchanged: r.indicators?.unchanged ?? 0 })}
        </Descriptions.Item>
      </Descriptions>
      {errors.length > 0 && (
        <>
          <Space>
            <Typography.Text strong>{t('import.errors')}</Typography.Text>
            <Button size="small" icon={<DownloadOutlined />}
              onClick={() => void api.download(`/api/imports/${job.id}/errors.csv`, 'errors.csv').catch((e: Error) => message.error(e.message))}>
              {t('import.downloadErrors')}
            </Button>
          </Space>
          {r.errorsTruncated && <Alert type="warning" message={t('import.truncated')} />}
          <Table<RowError> size="small" rowKey={(e) => `${e.rowNumber}:${e.column}:${e.reason}`} dataSource={errors} pagination={{ pageSize: 10 }}
            columns={[
              { title: t('import.rowNumber'), dataIndex: 'rowNumber', width: 90 },
              { title: t('import.column'), dataIndex: 'column', width: 160 },
              { title: t('import.reason'), dataIndex: 'reason' },
            ]} />
        </>
      )}
    </Space>
  );
}

/** Bulk import of enterprises and indicators (CSV/XLSX) as a job: a progress bar, then the per-row error report. */
export default function ImportPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: (file: File) => api.upload<{ jobId: string }>('/api/imports', file),
    onSuccess: (r) => setJobId(r.jobId),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card>
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('import.hint')} />
        <Upload.Dragger
          accept=".csv,.xlsx"
          multiple={false}
          showUploadList={false}
          disabled={start.isPending}
          beforeUpload={(file) => {
            if (file.size > 20 * 1024 * 1024) {
              start.reset();
              message.error(t('import.tooLarge'));
              return false;
            }
            setJobId(null);
            start.mutate(file);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p className="ant-upload-text">{t('import.drop')}</p>
          <p className="ant-upload-hint">{t('import.limits')}</p>
        </Upload.Dragger>
        <div style={{ marginTop: 16 }}><FormError error={start.error} /></div>
      </Card>
      {jobId && (
        <Card title={t('import.progress')}>
          <JobProgress jobId={jobId} onFinished={() => void client.invalidateQueries({ queryKey: ['enterprises'] })} extra={(job) => <ImportReport job={job} />} />
        </Card>
      )}
    </Space>
  );
}
