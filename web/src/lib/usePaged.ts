import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Query } from '../api/client';
import type { Page } from '../api/types';

/** A paginated list (`page`, `pageSize` → `{items, total}`) with filters that reset to page 1. */
export function usePaged<T>(key: string, path: string, filters: Query = {}, initialPageSize = 20) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const query = useQuery({
    queryKey: [key, path, filters, page, pageSize],
    queryFn: () => api.get<Page<T>>(path, { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });
  return {
    query,
    page,
    pageSize,
    onPage: (p: number, size: number) => {
      setPage(size !== pageSize ? 1 : p);
      setPageSize(size);
    },
    reset: () => setPage(1),
  };
}
