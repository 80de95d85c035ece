import { Alert, Button, Empty, Result, Skeleton } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';

export function Loading({ rows = 4 }: { rows?: number }) {
  return <Skeleton active paragraph={{ rows }} data-testid="loading" />;
}

/** What went wrong, in words, with a retry; a 403/404 reads as "not available to you" rather than a crash. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const apiError = error instanceof ApiError ? error : null;
  if (apiError && (apiError.status === 403 || apiError.status === 404))
    return (
      <Result
        status={apiError.status === 403 ? '403' : '404'}
        title={t(apiError.status === 403 ? 'error.forbidden' : 'error.notFound')}
        subTitle={apiError.message}
      />
    );
  return (
    <Alert
      type="error"
      showIcon
      message={t('error.loadFailed')}
      description={errorText(error, t('error.network'))}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('action.retry')}
          </Button>
        )
      }
    />
  );
}

export function EmptyState({ description, action }: { description: string; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description} data-testid="empty">
      {action}
    </Empty>
  );
}

/** Loading, error and empty states for one query, so no page is ever blank. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isLoading) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data === undefined) return <Loading />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

export function errorText(error: unknown, networkText: string): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return networkText;
    const fields = error.fields.map((f) => `${f.field}: ${f.reason}`).join('; ');
    return fields ? `${error.message} (${fields})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
