import { Alert, Button, Empty, Result, Skeleton } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n, type I18n, type MessageKey } from '../i18n';

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
        subTitle={apiError.code === 'NOT_FOUND' ? undefined : errorText(apiError, t)}
      />
    );
  return (
    <Alert
      type="error"
      showIcon
      message={t('error.loadFailed')}
      description={errorText(error, t)}
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

/**
 * An error in the user's words: the API's error codes have sentences in `apiError.*`; a code without one shows the
 * API's own message. Field reasons follow, as the API gives them.
 */
export function errorText(error: unknown, t: I18n['t']): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('error.network');
    const key = `apiError.${error.code}` as MessageKey;
    const known = t(key);
    const text = known === key ? error.message : known;
    const fields = error.fields.map((f) => `${f.field}: ${f.reason}`).join('; ');
    return fields ? `${text} (${fields})` : text;
  }
  return error instanceof Error ? error.message : String(error);
}
