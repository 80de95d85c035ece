import { emit, setup } from 'xstate';

/** How a match came out when the grant row was created (the machine starts in the matching state). */
export type GrantOutcome = 'eligible' | 'waitlisted' | 'needs_data';

export interface Payee {
  accountName: string;
  bankName: string;
  accountNumber: string;
}

export type GrantEvent =
  /** The enterprise was told (in-app by the system, or by a caseworker by other means). */
  | { type: 'NOTIFY'; by: string | null; channel: 'in_app' | 'manual' }
  /** The enterprise (or a caseworker on its behalf) confirms the payee account. */
  | { type: 'CONFIRM'; by: string | null; payee: Payee }
  /** A manager other than the one who ran the batch (四眼原则). */
  | { type: 'APPROVE'; by: string | null }
  | { type: 'PAY'; by: string | null; reference: string; paidOn: string }
  | { type: 'CANCEL'; by: string | null; reason: string }
  | { type: 'CLAW_BACK'; by: string | null; reason: string }
  /** Budget was released and this grant is next in the waitlist; the caller has reserved its amount. */
  | { type: 'PROMOTE' }
  /** A needs_data match was evaluated again after a filing. */
  | { type: 'DATA_FILLED'; outcome: 'eligible' | 'waitlisted' | 'not_eligible' };

export const GRANT_MACHINE_ID = 'grant';
export const GRANT_MACHINE_VERSION = 1;

export interface GrantInput {
  outcome: GrantOutcome;
  /** Who ran the batch, or whose action raised the event; may not approve the grant. */
  initiatedBy: string | null;
}

interface Ctx {
  outcome: GrantOutcome;
  initiatedBy: string | null;
}

/** Grant states that hold a budget reservation. */
export const RESERVING_STATES = ['eligible', 'notified', 'confirmed', 'approved', 'paid', 'clawed_back'] as const;
/** States a grant never leaves. */
export const FINAL_STATES = ['cancelled', 'clawed_back'] as const;

const cancellable = { CANCEL: { target: 'cancelled', actions: 'emitCancelled' } } as const;

/**
 * A grant's life (DOMAIN.md section 8): matched → eligible → notified → confirmed → approved → paid, or cancelled,
 * or clawed_back after payment; waitlisted while the budget is spent, needs_data while a fact is missing (快申快享).
 * Pure: the grants service reserves and releases budget in the same transaction as each transition.
 */
export const grantMachine = setup({
  types: { context: {} as Ctx, events: {} as GrantEvent, input: {} as GrantInput },
  guards: {
    startsAs: ({ context }, params: { outcome: GrantOutcome }) => context.outcome === params.outcome,
    // 四眼原则: the manager who ran the batch cannot also approve what it found.
    notTheInitiator: ({ context, event }) =>
      'by' in event && (!context.initiatedBy || event.by !== context.initiatedBy),
    filled: ({ event }, params: { outcome: string }) =>
      event.type === 'DATA_FILLED' && event.outcome === params.outcome,
  },
  actions: {
    emitMatched: emit({ type: 'grant.matched' }),
    emitCancelled: emit(({ event }) => ({
      type: 'grant.cancelled',
      reason: (event as { reason?: string }).reason ?? '',
    })),
  },
}).createMachine({
  id: GRANT_MACHINE_ID,
  initial: 'matching',
  context: ({ input }) => ({ outcome: input.outcome, initiatedBy: input.initiatedBy ?? null }),
  states: {
    matching: {
      always: [
        { guard: { type: 'startsAs', params: { outcome: 'needs_data' } }, target: 'needs_data' },
        { guard: { type: 'startsAs', params: { outcome: 'waitlisted' } }, target: 'waitlisted' },
        { target: 'eligible' },
      ],
    },
    needs_data: {
      on: {
        DATA_FILLED: [
          { guard: { type: 'filled', params: { outcome: 'eligible' } }, target: 'eligible', actions: 'emitMatched' },
          { guard: { type: 'filled', params: { outcome: 'waitlisted' } }, target: 'waitlisted' },
          { guard: { type: 'filled', params: { outcome: 'not_eligible' } }, target: 'cancelled' },
        ],
        ...cancellable,
      },
    },
    waitlisted: {
      on: { PROMOTE: { target: 'eligible', actions: 'emitMatched' }, ...cancellable },
    },
    eligible: { on: { NOTIFY: 'notified', ...cancellable } },
    notified: {
      on: {
        CONFIRM: { target: 'confirmed', actions: emit({ type: 'grant.confirmed' }) },
        ...cancellable,
      },
    },
    confirmed: {
      on: {
        APPROVE: { guard: 'notTheInitiator', target: 'approved' },
        ...cancellable,
      },
    },
    approved: {
      on: {
        PAY: {
          target: 'paid',
          actions: emit(({ event }) => ({ type: 'grant.paid', reference: (event as { reference: string }).reference })),
        },
        ...cancellable,
      },
    },
    paid: {
      on: {
        CLAW_BACK: {
          target: 'clawed_back',
          actions: emit(({ event }) => ({ type: 'grant.clawed_back', reason: (event as { reason: string }).reason })),
        },
      },
    },
    cancelled: { type: 'final' },
    clawed_back: { type: 'final' },
  },
});
