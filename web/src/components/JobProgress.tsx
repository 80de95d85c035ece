import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Progress, Space, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Job } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorState } from './PageState';

const DONE = ['completed', 'failed'];

/** Polls `GET /api/jobs/:id` every second until the job ends and shows it as a progress bar. */
export function JobProgress({
  jobId,
  onFinished,
  extra,
}: {
  jobId: string;
  onFinished?: (job: Job) => void;
  extra?: (job: Job) => ReactNode;
}) {
  const { t, label, dateTime } = useI18n();
  const job = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api.get<Job>(`/api/jobs/${jobId}`),
    refetchInterval: (q) => (q.state.data && DONE.includes(q.state.data.status) ? false : 1000),
  });
  const finished = job.data && DONE.includes(job.data.status);
  useEffect(() => {
    if (finished && job.data) onFinished?.(job.data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);
  if (job.isError) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  const data = job.data;
  const percent = data
    ? data.status === 'completed'
      ? 100
      : data.total
        ? Math.floor(((data.done + data.failed) / data.total) * 100)
        : 0
    : 0;
  const status = data?.status === 'failed' ? 'exception' : data?.status === 'completed' ? 'success' : 'active';
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="job-progress" data-status={data?.status}>
      <Typography.Text strong>
        {t('job.title')} · {label('jobStatus', data?.status ?? 'queued')}
      </Typography.Text>
      <Progress percent={percent} status={status} aria-label={t('job.progress')} />
      {data && (
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('job.done')}>{data.done}</Descriptions.Item>
          <Descriptions.Item label={t('job.failed')}>{data.failed}</Descriptions.Item>
          <Descriptions.Item label={t('job.total')}>{data.total || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('job.updatedAt')}>{dateTime(data.updatedAt)}</Descriptions.Item>
        </Descriptions>
      )}
      {data?.error && <Alert type="error" showIcon message={data.error} />}
      {data && finished && extra?.(data)}
    </Space>
  );
}
