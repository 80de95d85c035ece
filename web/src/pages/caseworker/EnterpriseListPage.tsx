import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Modal, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Enterprise } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { EmptyState, QueryView } from '../../components/PageState';
import { ColourTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { usePaged } from '../../lib/usePaged';
import { ProfileForm } from '../enterprise/ProfileForm';

const TIERS = ['startup', 'tech_sme', 'high_tech', 'leader', 'exited'];
const COLOURS = ['orange', 'red', 'blue', 'green'];

/** The registry with tier and colour filters and search by name or USCC; staff may register a new enterprise. */
export default function EnterpriseListPage() {
  const { t, label, date } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const [tier, setTier] = useState<string>();
  const [colour, setColour] = useState<string>();
  const [district, setDistrict] = useState<string>();
  const [q, setQ] = useState<string>();
  const [sort, setSort] = useState('name');
  const [creating, setCreating] = useState(false);
  const list = usePaged<Enterprise>('enterprises', '/api/enterprises', { tier, colour, district, q, sort });
  const filter = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    list.reset();
  };
  return (
    <Card
      extra={
        user.role !== 'reviewer' && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('enterprises.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('enterprises.search')}
          onSearch={(v) => filter(setQ)(v.trim() || undefined)}
          style={{ width: 260 }}
          aria-label={t('enterprises.search')}
        />
        <Select allowClear placeholder={t('field.tier')} value={tier} onChange={filter(setTier)} style={{ width: 150 }}
          options={TIERS.map((v) => ({ value: v, label: label('tier', v) }))} aria-label={t('field.tier')} />
        <Select allowClear placeholder={t('field.colour')} value={colour} onChange={filter(setColour)} style={{ width: 120 }}
          options={COLOURS.map((v) => ({ value: v, label: label('colour', v) }))} aria-label={t('field.colour')} />
        <Input allowClear placeholder={t('field.district')} onBlur={(e) => filter(setDistrict)(e.target.value.trim() || undefined)} style={{ width: 140 }} aria-label={t('field.district')} />
        <Select value={sort} onChange={filter(setSort)} style={{ width: 170 }} aria-label={t('enterprises.sort')}
          options={['name', '-score', 'score', '-registeredOn', 'registeredOn', '-createdAt'].map((v) => ({ value: v, label: label('sort', v) }))} />
      </Space>
      <QueryView query={list.query} isEmpty={(d) => d.total === 0} empty={<EmptyState description={t('enterprises.empty')} />}>
        {(d) => (
          <Table<Enterprise>
            rowKey="id"
            dataSource={d.items}
            loading={list.query.isFetching}
            pagination={{ current: list.page, pageSize: list.pageSize, total: d.total, onChange: list.onPage, showSizeChanger: true, showTotal: (n) => t('common.total', { total: n }) }}
            columns={[
              { title: t('field.name'), dataIndex: 'name', render: (v, e) => <Link to={`/enterprises/${e.id}`}>{v}</Link> },
              { title: t('field.uscc'), dataIndex: 'uscc' },
              { title: t('field.district'), dataIndex: 'district' },
              { title: t('field.tier'), dataIndex: 'tier', render: (v) => <TierTag tier={v} /> },
              { title: t('field.colour'), dataIndex: 'colour', render: (v) => <ColourTag colour={v} /> },
              { title: t('field.techSmeScore'), dataIndex: 'techSmeScore', render: (v) => v ?? '—', align: 'right' },
              { title: t('field.gapCount'), dataIndex: 'gapCount', render: (v) => v ?? '—', align: 'right' },
              { title: t('field.registeredOn'), dataIndex: 'registeredOn', render: date },
            ]}
          />
        )}
      </QueryView>
      <Modal open={creating} title={t('enterprises.new')} footer={null} onCancel={() => setCreating(false)} destroyOnClose width={720}>
        <ProfileForm onSaved={(e) => { setCreating(false); navigate(`/enterprises/${e.id}`); }} />
      </Modal>
    </Card>
  );
}
