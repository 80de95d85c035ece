import { useQuery } from '@tanstack/react-query';
import { Card, Input, List, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Candidate, CandidatesPage as Page } from '../../api/pipeline';
import { EmptyState, QueryView } from '../../components/PageState';
import { ColourTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';

/** The enterprises most likely to climb next (blue first, then red with the fewest gaps), with their gaps. */
export default function CandidatesPage() {
  const { t, label, lang } = useI18n();
  const [targetTier, setTargetTier] = useState('high_tech');
  const [district, setDistrict] = useState<string>();
  const [limit, setLimit] = useState(50);
  const query = useQuery({
    queryKey: ['pipeline', 'candidates', targetTier, district, limit],
    queryFn: () => api.get<Page>('/api/pipeline/candidates', { targetTier, district, limit }),
  });
  return (
    <Card>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented value={targetTier} onChange={(v) => setTargetTier(String(v))}
          options={['tech_sme', 'high_tech', 'leader'].map((v) => ({ value: v, label: label('tier', v) }))} />
        <Input.Search allowClear placeholder={t('field.district')} onSearch={(v) => setDistrict(v.trim() || undefined)} style={{ width: 200 }} aria-label={t('field.district')} />
      </Space>
      <QueryView query={query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('candidates.empty')} />}>
        {(d) => (
          <Table<Candidate>
            rowKey="enterpriseId"
            dataSource={d.items}
            pagination={{
              pageSize: 20,
              total: d.items.length,
              showTotal: () => t('candidates.shown', { shown: d.items.length, total: d.total }),
              onChange: (page) => {
                if (page * 20 >= limit && limit < 200) setLimit(Math.min(200, limit + 50));
              },
            }}
            expandable={{
              expandedRowRender: (c) =>
                c.gaps.length ? (
                  <List size="small" dataSource={c.gaps} renderItem={(g) => <List.Item>{lang === 'zh' ? g.messageZh : g.message}</List.Item>} />
                ) : (
                  <Typography.Text type="secondary">{c.evaluated ? t('candidates.noGaps') : t('evaluation.none')}</Typography.Text>
                ),
            }}
            columns={[
              { title: t('field.name'), dataIndex: 'name', render: (v, c) => <Link to={`/enterprises/${c.enterpriseId}`}>{v}</Link> },
              { title: t('field.district'), dataIndex: 'district' },
              { title: t('field.tier'), dataIndex: 'tier', render: (v) => <TierTag tier={v} /> },
              { title: t('field.colour'), dataIndex: 'colour', render: (v) => <ColourTag colour={v} /> },
              { title: t('field.techSmeScore'), dataIndex: 'techSmeScore', align: 'right', render: (v) => v ?? '—' },
              { title: t('field.gapCount'), dataIndex: 'gapCount', align: 'right', render: (v) => v ?? '—' },
              { title: t('candidates.eligible'), dataIndex: 'eligible', render: (v: boolean | null) => <Tag color={v ? 'success' : v === false ? 'error' : 'default'}>{v ? t('common.yes') : v === false ? t('common.no') : '—'}</Tag> },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
