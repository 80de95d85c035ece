import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { Enterprise, Page } from '../api/types';
import { useI18n } from '../i18n';

/** Picks an enterprise by name or USCC (search as you type, `GET /api/enterprises?q=`). */
export function EnterprisePicker({ value, onChange }: { value?: string; onChange?: (id: string) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['enterprises', 'pick', q],
    queryFn: () => api.get<Page<Enterprise>>('/api/enterprises', { q: q || undefined, pageSize: 20 }),
  });
  return (
    <Select
      showSearch
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={(v) => setQ(v.trim())}
      loading={found.isFetching}
      placeholder={t('enterprises.search')}
      notFoundContent={t('enterprises.empty')}
      options={(found.data?.items ?? []).map((e) => ({ value: e.id, label: `${e.name} · ${e.uscc}` }))}
      aria-label={t('field.enterprise')}
    />
  );
}
