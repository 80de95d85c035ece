import { EditOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space } from 'antd';
import { useState } from 'react';
import { useUser } from '../../auth/AuthContext';
import { useEnterprise } from '../../components/EnterpriseName';
import { QueryView } from '../../components/PageState';
import { ColourTag, TierTag } from '../../components/Tags';
import { useI18n } from '../../i18n';
import { ProfileForm } from './ProfileForm';
import type { Enterprise } from '../../api/types';

export function ProfileDescriptions({ e }: { e: Enterprise }) {
  const { t, date, label } = useI18n();
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
      <Descriptions.Item label={t('field.name')}>{e.name}</Descriptions.Item>
      <Descriptions.Item label={t('field.uscc')}>{e.uscc}</Descriptions.Item>
      <Descriptions.Item label={t('field.tier')}>
        <TierTag tier={e.tier} />
      </Descriptions.Item>
      <Descriptions.Item label={t('field.colour')}>
        <Space>
          <ColourTag colour={e.colour} />
          {e.colour && label('colourHint', e.colour)}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('field.techSmeScore')}>{e.techSmeScore ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.gapCount')}>{e.gapCount ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.district')}>{e.district}</Descriptions.Item>
      <Descriptions.Item label={t('field.registeredOn')}>{date(e.registeredOn)}</Descriptions.Item>
      <Descriptions.Item label={t('field.industry')}>{e.industry || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.address')}>{e.address || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.contactName')}>{e.contact?.name || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.contactPhone')}>{e.contact?.phone || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.contactEmail')}>{e.contact?.email || '—'}</Descriptions.Item>
      <Descriptions.Item label={t('field.updatedAt')}>{date(e.updatedAt)}</Descriptions.Item>
    </Descriptions>
  );
}

/** The enterprise keeps its own profile (the USCC is its identity and cannot change). */
export default function ProfilePage() {
  const user = useUser();
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const enterprise = useEnterprise(user.enterpriseId);
  if (!user.enterpriseId) return <Alert type="warning" message={t('enterprise.noEnterprise')} />;
  return (
    <QueryView query={enterprise}>
      {(e) => (
        <Card
          title={e.name}
          extra={
            !editing && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('action.edit')}
              </Button>
            )
          }
        >
          {editing ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              <ProfileForm enterprise={e} registryLocked={user.role === 'enterprise'} onSaved={() => setEditing(false)} />
              <Button onClick={() => setEditing(false)}>{t('action.cancel')}</Button>
            </Space>
          ) : (
            <ProfileDescriptions e={e} />
          )}
        </Card>
      )}
    </QueryView>
  );
}
