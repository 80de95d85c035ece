import type { GrantEntity } from './grant.entity';

/** What an enterprise, a manager and an auditor see of a grant, including why it was matched. */
export function toGrantView(g: GrantEntity, programmeName?: string | null) {
  return {
    id: g.id,
    enterpriseId: g.enterpriseId,
    programmeId: g.programmeId,
    programmeCode: g.programmeCode,
    programmeVersion: g.programmeVersion,
    programmeName: programmeName ?? null,
    period: g.period,
    amount: g.amount,
    state: g.state,
    reserved: g.reserved,
    why: {
      trigger: g.trigger,
      conditions: g.conditions,
      facts: g.facts,
      missing: g.missing,
    },
    payee: g.payee,
    approvedBy: g.approvedBy,
    approvedAt: g.approvedAt ? new Date(g.approvedAt).toISOString() : null,
    paymentReference: g.paymentReference,
    paidOn: g.paidOn,
    reason: g.reason,
    queuedAt: new Date(g.queuedAt).toISOString(),
    version: g.version,
    createdAt: new Date(g.createdAt).toISOString(),
    updatedAt: new Date(g.updatedAt).toISOString(),
  };
}

export type GrantView = ReturnType<typeof toGrantView>;
