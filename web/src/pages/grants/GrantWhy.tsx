import { Descriptions, List, Space, Tag, Typography } from 'antd';
import type { Grant } from '../../api/types';
import { useI18n } from '../../i18n';

interface Trace {
  condition: unknown;
  held: boolean | null;
  facts: Record<string, unknown>;
  missing?: string[];
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Why the grant exists: the trigger, each condition of the rule with the facts it read, and facts still missing. */
export function GrantWhy({ grant }: { grant: Grant }) {
  const { t, label } = useI18n();
  const conditions = (Array.isArray(grant.why.conditions) ? grant.why.conditions : []) as Trace[];
  const trigger = (grant.why.trigger ?? {}) as Record<string, unknown>;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="grant-why">
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('grants.trigger')}>{label('trigger', String(trigger.event ?? trigger.type ?? ''))}</Descriptions.Item>
        <Descriptions.Item label={t('grants.programmeVersion')}>v{grant.programmeVersion}</Descriptions.Item>
        <Descriptions.Item label={t('grants.period')}>{grant.period}</Descriptions.Item>
      </Descriptions>
      <List
        size="small"
        header={t('grants.conditions')}
        bordered
        dataSource={conditions}
        locale={{ emptyText: t('grants.noConditions') }}
        renderItem={(c) => (
          <List.Item>
            <Space direction="vertical" size={0}>
              <Space>
                <Tag color={c.held === true ? 'success' : c.held === false ? 'error' : 'default'}>
                  {c.held === true ? t('check.met') : c.held === false ? t('check.unmet') : t('check.unknown')}
                </Tag>
                <Typography.Text code>{JSON.stringify(c.condition)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">
                {Object.entries(c.facts ?? {})
                  .map(([k, v]) => `${k} = ${show(v)}`)
                  .join('; ')}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      {grant.why.missing && grant.why.missing.length > 0 && (
        <Typography.Text type="warning">
          {t('grants.missing')}: {grant.why.missing.join(', ')}
        </Typography.Text>
      )}
    </Space>
  );
}
