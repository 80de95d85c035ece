import { assign, emit, setup } from 'xstate';
import type { StoredSnapshot } from '../state/machine-definition';

/** The rungs, lowest first (梯次: 初创企业 → 科技型中小企业 → 高新技术企业 → 科技领军企业). */
export const TIERS = ['startup', 'tech_sme', 'high_tech', 'leader'] as const;
export type Tier = (typeof TIERS)[number];
export type TierState = Tier | 'exited';
export const tierRank = (tier: Tier) => TIERS.indexOf(tier);

/** Every event carries `on`, the ISO date it takes effect, so the machine stays a pure function of its input. */
export type TierEvent = { on?: string } &
  /** A certification became active; `kind` tells first recognition from re-recognition (subsidies differ). */
  (
    | {
        type: 'RECOGNISED';
        tier: Exclude<Tier, 'startup'>;
        kind: 'first' | 'renewal';
        certificationId?: string;
        issuedOn?: string;
      }
    /** The certification behind the current tier lapsed; `fallback` is the highest tier still held. */
    | { type: 'EXPIRED'; fallback: Tier; certificationId?: string }
    | { type: 'REVOKED'; fallback: Tier; fraud: boolean; certificationId?: string }
    /** Deregistered or moved out of the region. */
    | { type: 'EXITED'; reason: string }
    /** Moved back in or re-registered: starts again from the certifications still held. */
    | { type: 'REINSTATED'; tier: Tier }
  );

export const TIER_MACHINE_ID = 'enterprise-tier';
/** v2 added `tierSince` to the context (the date the current tier began); v1 snapshots are upgraded on load. */
export const TIER_MACHINE_VERSION = 2;

interface Ctx {
  tierSince: string | null;
}

/** Upgrades a stored snapshot of an older definition (rows are never rewritten in bulk). */
export function migrateTierSnapshot(snapshot: StoredSnapshot, fromVersion: number): StoredSnapshot {
  let upgraded = snapshot;
  if (fromVersion < 2) upgraded = { ...upgraded, context: { tierSince: null, ...upgraded.context } };
  return upgraded;
}

const recognisedTo = (target: Exclude<Tier, 'startup'>) => ({
  guard: ({ event }: { event: TierEvent }) => event.type === 'RECOGNISED' && event.tier === target,
  target,
});

/**
 * The tier an enterprise holds, as a pure machine. The rule "tier = highest tier with an active certification" is
 * computed by the certification service, which sends the resulting event; the machine refuses moves that break the
 * ladder (falling upwards, recognising downwards out of a higher tier) and emits the outbox events later modules use.
 */
export const tierMachine = setup({
  types: { context: {} as Ctx, events: {} as TierEvent },
  guards: {
    recognisedBelowOrAt: ({ event }, params: { rank: number }) =>
      event.type === 'RECOGNISED' && tierRank(event.tier) <= params.rank,
  },
  actions: {
    markTierSince: assign({ tierSince: ({ event, context }) => event.on ?? context.tierSince }),
    emitRecognised: emit(({ event }) => {
      const e = event as Extract<TierEvent, { type: 'RECOGNISED' }>;
      return {
        type: 'tier.recognised',
        tier: e.tier,
        kind: e.kind,
        certificationId: e.certificationId ?? null,
        issuedOn: e.issuedOn ?? e.on ?? null,
      };
    }),
    emitLapsed: emit(({ event }) => {
      const e = event as Extract<TierEvent, { type: 'EXPIRED' | 'REVOKED' }>;
      return e.type === 'EXPIRED'
        ? { type: 'tier.expired', fallback: e.fallback, certificationId: e.certificationId ?? null }
        : { type: 'tier.revoked', fallback: e.fallback, fraud: e.fraud, certificationId: e.certificationId ?? null };
    }),
    emitExited: emit(({ event }) => ({
      type: 'enterprise.exited',
      reason: (event as { reason?: string }).reason ?? '',
    })),
  },
}).createMachine({
  id: TIER_MACHINE_ID,
  initial: 'startup',
  context: { tierSince: null },
  states: Object.fromEntries([
    ...TIERS.map((tier) => {
      const rank = tierRank(tier);
      const upward = TIERS.filter((t) => t !== 'startup' && tierRank(t) > rank) as Exclude<Tier, 'startup'>[];
      const lapseTargets = TIERS.filter((t) => tierRank(t) < rank);
      return [
        tier,
        {
          on: {
            RECOGNISED: [
              ...upward.map((t) => ({ ...recognisedTo(t), actions: ['markTierSince', 'emitRecognised'] })),
              // Same or lower tier recognised (a renewal, or a tech SME entry while high-tech): the tier stays.
              { guard: { type: 'recognisedBelowOrAt' as const, params: { rank } }, actions: 'emitRecognised' as const },
            ],
            ...(lapseTargets.length
              ? Object.fromEntries(
                  (['EXPIRED', 'REVOKED'] as const).map((type) => [
                    type,
                    lapseTargets.map((t) => ({
                      guard: ({ event }: { event: TierEvent }) =>
                        (event.type === 'EXPIRED' || event.type === 'REVOKED') && event.fallback === t,
                      target: t,
                      actions: ['markTierSince', 'emitLapsed'],
                    })),
                  ]),
                )
              : {}),
            EXITED: { target: 'exited', actions: ['markTierSince', 'emitExited'] },
          },
        },
      ];
    }),
    [
      'exited',
      {
        on: {
          REINSTATED: TIERS.map((t) => ({
            guard: ({ event }: { event: TierEvent }) => event.type === 'REINSTATED' && event.tier === t,
            target: t,
            actions: 'markTierSince',
          })),
        },
      },
    ],
  ]) as never,
});
