import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { TransactionRunner } from '../database/transaction-runner';
import { TransitionService } from '../state/transition.service';
import { GrantEntity } from './grant.entity';
import { GRANT_MACHINE_ID } from './grant.machine';
import { ProgrammeEntity } from './programme.entity';

/** Promotions done by one release, at most (a release frees one grant's amount; this only bounds a runaway loop). */
const MAX_PROMOTIONS = 1000;

/**
 * The budget of a programme code and period (DOMAIN.md section 8: never pay past it). Amounts are reserved with one
 * conditional UPDATE in the transaction that creates the grant, and released in the transaction that cancels it.
 * The latest version of a code and period holds the budget (a new version carries the reservation over), so a
 * release follows `superseded_by` to it. Waitlisted grants are promoted in queue order (event time, then enterprise
 * id) while the head fits; a smaller grant never overtakes a larger one ahead of it.
 */
@Injectable()
export class BudgetLedger {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly transitions: TransitionService,
  ) {}

  /**
   * Locks the programme row until commit (PostgreSQL; SQLite transactions are serialised anyway), so the writers of
   * one programme take turns and their duplicate checks and reservations see each other.
   */
  async lock(manager: EntityManager, programmeId: string): Promise<ProgrammeEntity | null> {
    return manager.findOne(ProgrammeEntity, {
      where: { id: programmeId },
      ...(this.tx.isPostgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** Reserves `amount` if it fits: true when it did. Atomic on its own; the affected row count is the answer. */
  async reserve(manager: EntityManager, programmeId: string, amount: number): Promise<boolean> {
    if (amount <= 0) return true;
    const result = await manager
      .createQueryBuilder()
      .update(ProgrammeEntity)
      .set({ reserved: () => 'reserved + :amount', updatedAt: new Date() })
      .where("id = :id AND status = 'active' AND reserved + :amount <= budget", { id: programmeId, amount })
      .execute();
    return result.affected === 1;
  }

  /** The row that holds the budget of this code and period now (the latest version), locked. */
  async holder(manager: EntityManager, code: string, period: number): Promise<ProgrammeEntity | null> {
    const latest = await manager.findOne(ProgrammeEntity, {
      where: { code, period },
      order: { version: 'DESC' },
      select: { id: true },
    });
    let row = latest ? await this.lock(manager, latest.id) : null;
    // A version saved meanwhile moved the reservation on; follow it.
    for (let hops = 0; row?.supersededBy && hops < 100; hops++) row = await this.lock(manager, row.supersededBy);
    return row;
  }

  /** Gives `amount` back to the holder of the code and period, then promotes from its waitlist. */
  async release(manager: EntityManager, code: string, period: number, amount: number, actor: Actor) {
    const holder = await this.holder(manager, code, period);
    if (!holder) return;
    if (amount > 0)
      await manager
        .createQueryBuilder()
        .update(ProgrammeEntity)
        .set({ reserved: () => 'reserved - :amount', updatedAt: new Date() })
        .where('id = :id', { id: holder.id, amount })
        .execute();
    await this.promote(manager, holder, actor);
  }

  /** Waitlisted grants, head first, move to eligible while their amounts fit. */
  async promote(manager: EntityManager, holder: ProgrammeEntity, actor: Actor): Promise<number> {
    if (holder.status !== 'active') return 0;
    let promoted = 0;
    while (promoted < MAX_PROMOTIONS) {
      const next = await this.waitlistHead(manager, holder.code, holder.period);
      if (!next || !(await this.reserve(manager, holder.id, next.amount ?? 0))) break;
      await this.transitions.applyIn(manager, {
        machineId: GRANT_MACHINE_ID,
        entityId: next.id,
        event: { type: 'PROMOTE' },
        actor,
        columns: () => ({ reserved: true }),
        auditPayload: { programmeId: holder.id, amount: next.amount },
      });
      promoted++;
    }
    return promoted;
  }

  waitlistHead(manager: EntityManager, code: string, period: number) {
    return manager.findOne(GrantEntity, {
      where: { programmeCode: code, period, state: 'waitlisted' },
      order: { queuedAt: 'ASC', enterpriseId: 'ASC' },
      select: { id: true, amount: true },
    });
  }
}
