import { assign, emit, setup } from 'xstate';

export type RevocationEvent =
  /** A caseworker takes up the case (or files it directly) and proposes revocation. */
  | { type: 'PROPOSE'; by: string }
  /** A manager other than the proposer confirms: the certification is revoked. */
  | { type: 'CONFIRM'; by: string }
  | { type: 'REJECT'; by: string; reason: string };

export const REVOCATION_MACHINE_ID = 'revocation';
export const REVOCATION_MACHINE_VERSION = 1;

interface Ctx {
  proposedBy: string | null;
}

/**
 * Revocation needs two people: the daily sweep may only suggest (two missed annual reports), a caseworker proposes, and
 * a manager who is not the proposer confirms or rejects. Pure; the certification service does the revoking.
 */
export const revocationMachine = setup({
  types: { context: {} as Ctx, events: {} as RevocationEvent },
  guards: {
    // 两人操作: whoever proposed cannot also confirm.
    notTheProposer: ({ context, event }) => 'by' in event && event.by !== context.proposedBy,
  },
}).createMachine({
  id: REVOCATION_MACHINE_ID,
  initial: 'suggested',
  context: { proposedBy: null },
  states: {
    suggested: {
      on: {
        PROPOSE: { target: 'proposed', actions: assign({ proposedBy: ({ event }) => event.by }) },
        REJECT: { target: 'rejected' },
      },
    },
    proposed: {
      on: {
        CONFIRM: {
          guard: 'notTheProposer',
          target: 'confirmed',
          actions: emit(({ event }) => ({ type: 'revocation.confirmed', by: event.by })),
        },
        REJECT: { guard: 'notTheProposer', target: 'rejected' },
      },
    },
    confirmed: { type: 'final' },
    rejected: { type: 'final' },
  },
});
