import { assign, emit, setup } from 'xstate';
import { panelResult, type ExpertScore, type PanelMember, type Reviewer } from './panel.rules';

export type TargetTier = 'tech_sme' | 'high_tech' | 'leader';
/** Every state of the application machine, in workflow order (a queue filter names one; the pipeline counts them). */
export const APPLICATION_STATES = [
  'draft',
  'submitted',
  'returned',
  'accepted',
  'under_review',
  'reviewed',
  'public_notice',
  'objection_review',
  'recognised',
  'rejected',
  'withdrawn',
] as const;

/** States an application never leaves (the machine's `final` states); every other state is open. */
export const FINAL_APPLICATION_STATES = ['recognised', 'rejected', 'withdrawn'] as const;

/** What SUBMIT pins: the policy package in force when the enterprise submitted. */
export interface PinnedPolicy {
  ruleSet: string;
  regionConfigVersion: number;
  rubric: { ip: number; conversion: number; rdManagement: number; growth: number; passMark: number };
  requiredDocuments: string[];
  submittedOn: string;
  /** Growth points computed from the filed financials (prefills the finance expert's score). */
  computedGrowth: number;
  /** Checks that were unknown at submission, flagged for the reviewers. */
  unknownChecks: string[];
}

export interface Objection {
  name: string;
  contact: string;
  reason: string;
  on: string;
  resolution: { upheld: boolean; reason: string; by: string } | null;
}

export interface ApplicationContext {
  targetTier: TargetTier;
  acceptedBy: string | null;
  panel: PanelMember[];
  scores: Record<string, ExpertScore>;
  result: ReturnType<typeof panelResult> | null;
  decision: { approve: boolean; reason: string; by: string; calibrationNote: string | null } | null;
  objections: Objection[];
  noticeEndsOn: string | null;
  returnReason: string | null;
  pinned: PinnedPolicy | null;
  /** Set when the sweep rejected the application at the end of its notice (absent in snapshots written before). */
  lapse?: { reason: LapseReason; on: string } | null;
}

type By = { by: string };
export type ApplicationEvent =
  | ({ type: 'SUBMIT'; pinned: PinnedPolicy } & By)
  | ({ type: 'WITHDRAW'; reason?: string } & By)
  | ({ type: 'RETURN'; reason: string } & By)
  | ({ type: 'ACCEPT' } & By)
  | ({ type: 'PUBLISH_NOTICE'; noticeEndsOn: string } & By)
  | ({ type: 'DRAW_PANEL'; panel: Reviewer[] } & By)
  | ({ type: 'DECLINE'; reason: string; replacement: Reviewer } & By)
  | ({ type: 'SCORE' } & ExpertScore & By)
  | ({ type: 'DECIDE'; approve: boolean; reason: string; noticeEndsOn?: string; calibrationNote?: string } & By)
  | { type: 'OBJECT'; name: string; contact: string; reason: string; on: string }
  | ({ type: 'RESOLVE_OBJECTION'; upheld: boolean; reason: string } & By)
  | { type: 'CLOSE_NOTICE'; on: string }
  | { type: 'LAPSE'; reason: LapseReason; on: string };

/**
 * Why a notice that ended could not become a recognition: the enterprise left the region, or a bar (a fraud
 * revocation) was imposed on the tier during the notice. The daily sweep then rejects it instead of retrying forever.
 */
export type LapseReason = 'enterprise_exited' | 'tier_barred';

export const APPLICATION_MACHINE_ID = 'application';
export const APPLICATION_MACHINE_VERSION = 1;

const pending = (ctx: ApplicationContext, id: string) => ctx.panel.some((m) => m.id === id && m.status === 'pending');

/**
 * A certification application (high-tech and leader: acceptance, expert panel, decision, public notice; tech SME:
 * acceptance then public notice). Pure: randomness (panel draws), dates (notice end) and policy pinning are computed
 * by the service and arrive in the events; who may send what is decided by application.policy.ts.
 */
/** Which procedure a tier follows: expert review (high-tech, leader) or acceptance then notice (tech SME, 入库). */
export const isReviewedTier = (tier: TargetTier) => tier !== 'tech_sme';

/**
 * Whether an event belongs to the tier's procedure. `allowedEvents` lists a state's events without running guards
 * (most read the event's payload); after acceptance the two procedures part by the guards `reviewed` and `simple`,
 * which read the tier only, so the list leaves out the other procedure's event here.
 */
export const onTierPath = (type: string, tier: TargetTier) =>
  type === 'DRAW_PANEL' ? isReviewedTier(tier) : type === 'PUBLISH_NOTICE' ? !isReviewedTier(tier) : true;

export const applicationMachine = setup({
  types: { context: {} as ApplicationContext, events: {} as ApplicationEvent, input: {} as { targetTier: TargetTier } },
  guards: {
    reviewed: ({ context }) => isReviewedTier(context.targetTier),
    simple: ({ context }) => !isReviewedTier(context.targetTier),
    pendingMember: ({ context, event }) => 'by' in event && pending(context, event.by),
    lastScore: ({ context, event }) =>
      event.type === 'SCORE' && context.panel.filter((m) => m.status === 'pending' && m.id !== event.by).length === 0,
    calibrated: ({ context, event }) =>
      event.type === 'DECIDE' && (!context.result?.flagged.length || !!event.calibrationNote?.trim() || !event.approve),
    approved: ({ event }) => event.type === 'DECIDE' && event.approve,
    upheld: ({ event }) => event.type === 'RESOLVE_OBJECTION' && event.upheld,
    noOpenObjection: ({ context }) => context.objections.every((o) => o.resolution !== null),
  },
  actions: {
    recordScore: assign(({ context, event }) => {
      if (event.type !== 'SCORE') return {};
      const { ip, conversion, rdManagement, growth, comment, by } = event;
      const scores = { ...context.scores, [by]: { ip, conversion, rdManagement, growth, comment } };
      const panel = context.panel.map((m) => (m.id === by ? { ...m, status: 'scored' as const } : m));
      return { scores, panel };
    }),
    computeResult: assign(({ context }) => ({
      result: panelResult(context.scores, context.pinned?.computedGrowth ?? 0),
    })),
    emitChanged: emit(({ event }) => ({ type: 'application.changed', event: event.type })),
    recordObjection: assign({
      objections: ({ context, event }) =>
        event.type === 'OBJECT'
          ? [
              ...context.objections,
              { name: event.name, contact: event.contact, reason: event.reason, on: event.on, resolution: null },
            ]
          : context.objections,
    }),
    /** One resolution answers every objection still open: the manager looks into them together. */
    resolveObjection: assign(({ context, event }) => {
      if (event.type !== 'RESOLVE_OBJECTION') return {};
      const objections = context.objections.map((o) =>
        o.resolution ? o : { ...o, resolution: { upheld: event.upheld, reason: event.reason, by: event.by } },
      );
      return { objections };
    }),
  },
}).createMachine({
  id: APPLICATION_MACHINE_ID,
  initial: 'draft',
  // xstate's pure `transition` starts a throwaway actor without input on every call; reading `input` optionally keeps
  // that from throwing (and xstate from catching it) on each transition. Real actors always get an input.
  context: ({ input }) => ({
    targetTier: (input as { targetTier: TargetTier } | undefined)?.targetTier as TargetTier,
    acceptedBy: null,
    panel: [],
    scores: {},
    result: null,
    decision: null,
    objections: [],
    noticeEndsOn: null,
    returnReason: null,
    pinned: null,
  }),
  on: {},
  states: {
    draft: {
      on: {
        SUBMIT: { target: 'submitted', actions: [assign({ pinned: ({ event }) => event.pinned }), 'emitChanged'] },
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    submitted: {
      on: {
        RETURN: { target: 'returned', actions: [assign({ returnReason: ({ event }) => event.reason }), 'emitChanged'] },
        ACCEPT: { target: 'accepted', actions: [assign({ acceptedBy: ({ event }) => event.by }), 'emitChanged'] },
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    returned: {
      on: {
        SUBMIT: {
          target: 'submitted',
          actions: [assign({ pinned: ({ event }) => event.pinned, returnReason: null }), 'emitChanged'],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    accepted: {
      on: {
        DRAW_PANEL: {
          guard: 'reviewed',
          target: 'under_review',
          actions: [
            assign({ panel: ({ event }) => event.panel.map((r) => ({ ...r, status: 'pending' as const })) }),
            'emitChanged',
          ],
        },
        PUBLISH_NOTICE: {
          guard: 'simple',
          target: 'public_notice',
          actions: [assign({ noticeEndsOn: ({ event }) => event.noticeEndsOn }), 'emitChanged'],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    under_review: {
      on: {
        DECLINE: {
          guard: 'pendingMember',
          actions: [
            assign({
              panel: ({ context, event }) => [
                ...context.panel.map((m) => (m.id === event.by ? { ...m, status: 'declined' as const } : m)),
                { ...event.replacement, status: 'pending' as const },
              ],
            }),
            'emitChanged',
          ],
        },
        SCORE: [
          {
            guard: { type: 'lastScore' },
            target: 'reviewed',
            actions: ['recordScore', 'computeResult', 'emitChanged'],
          },
          { guard: 'pendingMember', actions: ['recordScore', 'emitChanged'] },
        ],
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    reviewed: {
      on: {
        DECIDE: [
          {
            guard: 'approved',
            target: 'public_notice',
            actions: [
              assign({
                decision: ({ event }) => ({
                  approve: true,
                  reason: event.reason,
                  by: event.by,
                  calibrationNote: event.calibrationNote ?? null,
                }),
                noticeEndsOn: ({ event }) => event.noticeEndsOn ?? null,
              }),
              'emitChanged',
            ],
          },
          {
            target: 'rejected',
            actions: [
              assign({
                decision: ({ event }) => ({
                  approve: false,
                  reason: event.reason,
                  by: event.by,
                  calibrationNote: event.calibrationNote ?? null,
                }),
              }),
              'emitChanged',
            ],
          },
        ],
        WITHDRAW: { target: 'withdrawn', actions: 'emitChanged' },
      },
    },
    public_notice: {
      on: {
        OBJECT: { target: 'objection_review', actions: ['recordObjection', 'emitChanged'] },
        LAPSE: {
          target: 'rejected',
          actions: [
            assign({ lapse: ({ event }) => (event.type === 'LAPSE' ? { reason: event.reason, on: event.on } : null) }),
            'emitChanged',
          ],
        },
        CLOSE_NOTICE: {
          guard: 'noOpenObjection',
          target: 'recognised',
          actions: [
            emit(({ context }) => ({ type: 'application.recognised', targetTier: context.targetTier })),
            'emitChanged',
          ],
        },
      },
    },
    objection_review: {
      on: {
        // Anyone may object for the whole notice, also while an earlier objection is being looked into.
        OBJECT: { actions: ['recordObjection', 'emitChanged'] },
        RESOLVE_OBJECTION: [
          { guard: 'upheld', target: 'rejected', actions: ['resolveObjection', 'emitChanged'] },
          { target: 'public_notice', actions: ['resolveObjection', 'emitChanged'] },
        ],
      },
    },
    recognised: { type: 'final' },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
