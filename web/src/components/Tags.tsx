import { Tag } from 'antd';
import { useI18n } from '../i18n';

const COLOUR_TAG: Record<string, string> = { orange: 'orange', red: 'red', blue: 'blue', green: 'green' };
const STATUS_TAG: Record<string, string> = { met: 'success', unmet: 'error', unknown: 'default' };
const STATE_TAG: Record<string, string> = {
  draft: 'default',
  submitted: 'processing',
  returned: 'warning',
  accepted: 'processing',
  under_review: 'processing',
  reviewed: 'purple',
  public_notice: 'cyan',
  objection_review: 'magenta',
  recognised: 'success',
  rejected: 'error',
  withdrawn: 'default',
  eligible: 'processing',
  notified: 'processing',
  confirmed: 'purple',
  approved: 'cyan',
  paid: 'success',
  cancelled: 'default',
  clawed_back: 'error',
  needs_data: 'warning',
  waitlisted: 'default',
  active: 'success',
  closed: 'default',
  expired: 'default',
  revoked: 'error',
  superseded: 'default',
};

/** 四色: the colour grade with its Chinese name (橙/红/蓝/绿). */
export function ColourTag({ colour }: { colour: string | null | undefined }) {
  const { label } = useI18n();
  if (!colour) return <Tag>{label('colour', 'none')}</Tag>;
  return (
    <Tag color={COLOUR_TAG[colour]} data-testid="colour-tag" data-colour={colour}>
      {label('colour', colour)}
    </Tag>
  );
}

export function TierTag({ tier }: { tier: string | null | undefined }) {
  const { label } = useI18n();
  return <Tag color={tier === 'exited' ? 'default' : 'geekblue'}>{label('tier', tier)}</Tag>;
}

export function StateTag({ state, group = 'state' }: { state: string; group?: string }) {
  const { label } = useI18n();
  return (
    <Tag color={STATE_TAG[state] ?? 'default'} data-testid="state-tag" data-state={state}>
      {label(group, state)}
    </Tag>
  );
}

export function CheckTag({ status }: { status: string }) {
  const { label } = useI18n();
  return <Tag color={STATUS_TAG[status]}>{label('check', status)}</Tag>;
}
