import { Descriptions, List, Space, Tag, Typography } from 'antd';
import type { Grant } from '../../api/types';
import { useI18n, type I18n } from '../../i18n';

interface Trace {
  condition: unknown;
  held: boolean | null;
  facts: Record<string, unknown>;
  missing?: string[];
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

const COMPARISONS: Record<string, string> = { '==': '=', '===': '=', '!=': '≠', '!==': '≠', '>': '>', '>=': '≥', '<': '<', '<=': '≤', in: '∈' };

/** A rule's JSON Logic condition in words: facts by their names, comparisons as symbols; anything else as written. */
function conditionText(condition: unknown, i18n: Pick<I18n, 't' | 'label'>): string {
  const word = (c: unknown): string => {
    if (Array.isArray(c)) return `[${c.map(word).join(', ')}]`;
    if (!c || typeof c !== 'object') return typeof c === 'string' ? c : show(c);
    const [op, raw] = Object.entries(c as Record<string, unknown>)[0] ?? [];
    const args = Array.isArray(raw) ? raw : [raw];
    if (op === 'var') return i18n.label('fact', String(args[0]));
    if (op in COMPARISONS && args.length === 2) return `${word(args[0])} ${COMPARISONS[op]} ${word(args[1])}`;
    if (op === 'and' || op === 'or') return args.map((a) => `(${word(a)})`).join(` ${i18n.t(op === 'and' ? 'logic.and' : 'logic.or')} `);
    if (op === '!') return `${i18n.t('logic.not')} (${word(args[0])})`;
    return JSON.stringify(c);
  };
  return word(condition);
}

/** Why the grant exists: the trigger, each condition of the rule with the facts it read, and facts still missing. */
export function GrantWhy({ grant }: { grant: Grant }) {
  const i18n = useI18n();
  const { t, label } = i18n;
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
                <Typography.Text>{conditionText(c.condition, i18n)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">
                {Object.entries(c.facts ?? {})
                  .map(([k, v]) => `${label('fact', k)} = ${show(v)}`)
                  .join('; ')}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
      {grant.why.missing && grant.why.missing.length > 0 && (
        <Typography.Text type="warning">
          {t('grants.missing')}: {grant.why.missing.map((m) => label('fact', m)).join('、')}
        </Typography.Text>
      )}
    </Space>
  );
}
