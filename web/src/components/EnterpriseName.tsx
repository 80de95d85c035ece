import { useQuery } from '@tanstack/react-query';
import { Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Enterprise } from '../api/types';

export function useEnterprise(id: string | null | undefined) {
  return useQuery({
    queryKey: ['enterprise', id],
    queryFn: () => api.get<Enterprise>(`/api/enterprises/${id}`),
    enabled: !!id,
    staleTime: 60_000,
  });
}

/** Application and grant lists carry only the enterprise id; this shows its name (cached per id). */
export function EnterpriseName({ id, link }: { id: string; link?: boolean }) {
  const enterprise = useEnterprise(id);
  const name = enterprise.data?.name ?? (enterprise.isError ? id.slice(0, 8) : '…');
  if (link && enterprise.data) return <Link to={`/enterprises/${id}`}>{name}</Link>;
  return <Typography.Text>{name}</Typography.Text>;
}
