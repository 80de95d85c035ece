import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { SYSTEM_ACTOR } from '../auth/actor';
import { conflict, notFound, validationFailed } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { BudgetLedger } from './budget.ledger';
import { CreateProgrammeDto, ListProgrammesQueryDto, UpdateProgrammeDto } from './programme.dto';
import { ProgrammeEntity } from './programme.entity';
import { DEFAULT_BUDGET, DEFAULT_PROGRAMMES } from './rules/default-programmes';
import { FACT_VOCABULARY } from './rules/fact-vocabulary';
import {
  compileProgramme,
  CompiledProgramme,
  ProgrammeSpec,
  validateProgrammeSpec,
  budgetProblems,
  type AmountSpec,
} from './rules/programme.rules';

/** Roles that see drafts and closed versions; everyone else signed in reads active programmes only. */
const STAFF = ['admin', 'manager'];
export const DEFAULT_REGION = 'local';

export function specOf(
  p: Pick<
    ProgrammeEntity,
    'code' | 'period' | 'districts' | 'triggerEvent' | 'triggerKind' | 'rule' | 'amount' | 'budget'
  >,
): ProgrammeSpec {
  return {
    code: p.code,
    period: p.period,
    districts: p.districts,
    trigger: { event: p.triggerEvent, kind: p.triggerKind },
    rule: p.rule,
    amount: p.amount,
    budget: p.budget,
  };
}

/** Only the keys that were sent: `{fixed}` or `{formula, cap}`. */
function amountOf(dto: { fixed?: number; formula?: unknown; cap?: number }): AmountSpec {
  const out: Record<string, unknown> = {};
  for (const key of ['fixed', 'formula', 'cap'] as const) if (dto[key] !== undefined) out[key] = dto[key];
  return out as AmountSpec;
}

export function toProgrammeView(p: ProgrammeEntity) {
  return {
    id: p.id,
    code: p.code,
    version: p.version,
    name: p.name,
    description: p.description,
    region: p.region,
    districts: p.districts,
    period: p.period,
    trigger: { event: p.triggerEvent, kind: p.triggerKind },
    rule: p.rule,
    amount: p.amount,
    budget: p.budget,
    reserved: p.reserved,
    available: p.budget - p.reserved,
    status: p.status,
    supersededBy: p.supersededBy,
    createdBy: p.createdBy,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

/**
 * Programmes as data (DOMAIN.md section 8). A draft is edited in place; an active programme is immutable, so an edit
 * inserts version + 1 (same code and period) as the active one and closes the old row, which stays as history with
 * its grants; the reservation moves to the new version with the budget it holds. Seeds the four defaults once.
 */
@Injectable()
export class ProgrammesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('subsidies');
  private readonly compiled = new Map<string, CompiledProgramme>();

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: BudgetLedger,
  ) {}

  facts() {
    const items = FACT_VOCABULARY.map(({ name, type, source, description, triggers }) => ({
      name,
      type,
      source,
      description,
      triggers: triggers ?? null,
    }));
    return { items, total: items.length };
  }

  /** The evaluable form of a stored version (cached: a version's rule never changes once it is active). */
  compile(p: ProgrammeEntity): CompiledProgramme {
    const key = `${p.id}:${new Date(p.updatedAt).getTime()}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compileProgramme(specOf(p));
      if (this.compiled.size > 500) this.compiled.clear();
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  async list(query: ListProgrammesQueryDto, actor: Actor) {
    const staff = STAFF.includes(actor.role);
    const where = {
      ...(staff ? (query.status ? { status: query.status } : {}) : { status: 'active' as const }),
      ...(query.code ? { code: query.code } : {}),
      ...(query.period ? { period: query.period } : {}),
    };
    if (!staff && query.status && query.status !== 'active') return { items: [], total: 0 };
    const [rows, total] = await this.dataSource.getRepository(ProgrammeEntity).findAndCount({
      where,
      order: { code: 'ASC', period: 'DESC', version: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: rows.map(toProgrammeView), total };
  }

  async get(id: string, actor: Actor) {
    const row = await this.dataSource.getRepository(ProgrammeEntity).findOne({ where: { id } });
    if (!row || (!STAFF.includes(actor.role) && row.status !== 'active')) throw notFound('programme', id);
    return toProgrammeView(row);
  }

  async create(dto: CreateProgrammeDto, actor: Actor) {
    const spec: ProgrammeSpec = {
      code: dto.code,
      period: dto.period,
      districts: dto.districts?.length ? dto.districts : null,
      trigger: { event: dto.trigger.event, kind: dto.trigger.kind ?? null },
      rule: dto.rule,
      amount: amountOf(dto.amount),
      budget: dto.budget,
    };
    const problems = runnableProblems(spec);
    if (problems.length) throw validationFailed(problems);
    const row = await this.tx.run(async (manager) => {
      // A closed version of this code and period may still hold reservations for its unpaid grants: the new version
      // holds the budget now, so it takes them over, as an edit's new version does (a release then lands where
      // the amount was counted, and the new budget cannot be overspent by grants it never saw). Locked first, so
      // two creations behind one closed version take turns, and the second's check below finds the first's row.
      const previous = await this.ledger.holder(manager, dto.code, dto.period);
      if (
        await manager.exists(ProgrammeEntity, { where: { code: dto.code, period: dto.period, status: Not('closed') } })
      )
        throw conflict(
          'PROGRAMME_EXISTS',
          `Programme ${dto.code} already has an open version for ${dto.period}; edit it to make a new version`,
        );
      const reserved = previous?.reserved ?? 0;
      if (spec.budget < reserved) throw validationFailed([budgetBelowReserved(reserved)]);
      const latest = await manager.findOne(ProgrammeEntity, { where: { code: dto.code }, order: { version: 'DESC' } });
      const now = new Date();
      const entity: ProgrammeEntity = {
        id: randomUUID(),
        code: spec.code,
        version: (latest?.version ?? 0) + 1,
        name: dto.name,
        description: dto.description ?? null,
        region: dto.region ?? DEFAULT_REGION,
        districts: spec.districts,
        period: spec.period,
        triggerEvent: spec.trigger.event,
        triggerKind: spec.trigger.kind ?? null,
        rule: spec.rule,
        amount: spec.amount,
        budget: spec.budget,
        reserved,
        status: dto.status ?? 'draft',
        supersededBy: null,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
      };
      // Two managers creating the same code at once: the unique (code, version) key lets one through (409).
      await manager.insert(ProgrammeEntity, entity);
      await this.audit(manager, entity, 'CREATED', null, actor, {
        spec,
        ...(previous ? { previous: previous.id } : {}),
      });
      if (previous) {
        await manager.update(ProgrammeEntity, { id: previous.id }, { supersededBy: entity.id, updatedAt: now });
        await this.audit(manager, previous, 'SUPERSEDED', 'closed', actor, { by: entity.id, reserved }, 'closed');
        await this.ledger.promote(manager, entity, actor);
      }
      return manager.findOneOrFail(ProgrammeEntity, { where: { id: entity.id } });
    });
    return toProgrammeView(row);
  }

  /** A draft changes in place; an active programme gets version + 1 and the old one closes (it stays as history). */
  async update(id: string, dto: UpdateProgrammeDto, actor: Actor) {
    const row = await this.tx.run(async (manager) => {
      const current = await manager.findOne(ProgrammeEntity, { where: { id } });
      if (!current) throw notFound('programme', id);
      if (current.status === 'closed')
        throw conflict('PROGRAMME_CLOSED', `Programme ${current.code} v${current.version} is closed (history)`);
      const next = {
        name: dto.name ?? current.name,
        description: dto.description !== undefined ? dto.description : current.description,
        region: dto.region ?? current.region,
        districts: dto.districts !== undefined ? (dto.districts?.length ? dto.districts : null) : current.districts,
        triggerEvent: dto.trigger?.event ?? current.triggerEvent,
        triggerKind: dto.trigger ? (dto.trigger.kind ?? null) : current.triggerKind,
        rule: dto.rule !== undefined ? dto.rule : current.rule,
        amount: dto.amount ? amountOf(dto.amount) : current.amount,
        budget: dto.budget ?? current.budget,
      };
      const spec = specOf({ ...current, ...next });
      const problems = runnableProblems(spec);
      if (problems.length) throw validationFailed(problems);
      const now = new Date();
      if (current.status === 'draft') {
        const update = await manager.update(ProgrammeEntity, { id, status: 'draft' }, { ...next, updatedAt: now });
        if (update.affected !== 1) throw conflict('CONCURRENT_UPDATE', `Programme ${id} changed meanwhile; retry`);
        const saved = { ...current, ...next, updatedAt: now };
        await this.audit(manager, saved, 'UPDATED', 'draft', actor, { changes: dto });
        return saved;
      }
      return this.newVersion(manager, current, next, actor, dto);
    });
    return toProgrammeView(row);
  }

  private async newVersion(
    manager: EntityManager,
    current: ProgrammeEntity,
    next: Partial<ProgrammeEntity>,
    actor: Actor,
    changes: UpdateProgrammeDto,
  ) {
    const now = new Date();
    const id = randomUUID();
    // Closing first takes the row lock, so every reservation on the old version has committed before it is read.
    const closed = await manager.update(
      ProgrammeEntity,
      { id: current.id, status: 'active' },
      { status: 'closed', supersededBy: id, updatedAt: now },
    );
    if (closed.affected !== 1)
      throw conflict('CONCURRENT_UPDATE', `Programme ${current.code} v${current.version} changed meanwhile; retry`);
    const { reserved } = await manager.findOneOrFail(ProgrammeEntity, {
      where: { id: current.id },
      select: { id: true, reserved: true },
    });
    const budget = next.budget ?? current.budget;
    if (budget < reserved) throw validationFailed([budgetBelowReserved(reserved)]);
    const latest = await manager.findOne(ProgrammeEntity, {
      where: { code: current.code },
      order: { version: 'DESC' },
    });
    const entity: ProgrammeEntity = {
      ...current,
      ...next,
      id,
      version: (latest?.version ?? current.version) + 1,
      reserved,
      status: 'active',
      supersededBy: null,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    await manager.insert(ProgrammeEntity, entity);
    await this.audit(manager, current, 'SUPERSEDED', 'active', actor, { by: id }, 'closed');
    await this.audit(manager, entity, 'VERSIONED', null, actor, { previous: current.id, changes });
    // A larger budget may let waiting grants in.
    await this.ledger.promote(manager, entity, actor);
    return manager.findOneOrFail(ProgrammeEntity, { where: { id } });
  }

  async activate(id: string, actor: Actor) {
    const row = await this.tx.run(async (manager) => {
      const current = await manager.findOne(ProgrammeEntity, { where: { id } });
      if (!current) throw notFound('programme', id);
      if (current.status !== 'draft')
        throw conflict('PROGRAMME_NOT_DRAFT', `Programme ${current.code} v${current.version} is ${current.status}`);
      const now = new Date();
      const update = await manager.update(
        ProgrammeEntity,
        { id, status: 'draft' },
        { status: 'active', updatedAt: now },
      );
      if (update.affected !== 1) throw conflict('CONCURRENT_UPDATE', `Programme ${id} changed meanwhile; retry`);
      const saved: ProgrammeEntity = { ...current, status: 'active', updatedAt: now };
      await this.audit(manager, saved, 'ACTIVATED', 'draft', actor, {});
      // A draft that took over a closed version's reservations also took over its waitlist.
      if (await this.ledger.promote(manager, saved, actor))
        return manager.findOneOrFail(ProgrammeEntity, { where: { id } });
      return saved;
    });
    return toProgrammeView(row);
  }

  /** Closing stops matching; grants already made go on (waitlisted ones wait for a manager to cancel them). */
  async close(id: string, actor: Actor) {
    const row = await this.tx.run(async (manager) => {
      const current = await manager.findOne(ProgrammeEntity, { where: { id } });
      if (!current) throw notFound('programme', id);
      if (current.status === 'closed')
        throw conflict('PROGRAMME_CLOSED', `Programme ${current.code} v${current.version} is already closed`);
      const now = new Date();
      const update = await manager.update(
        ProgrammeEntity,
        { id, status: In(['draft', 'active']) },
        { status: 'closed', updatedAt: now },
      );
      if (update.affected !== 1) throw conflict('CONCURRENT_UPDATE', `Programme ${id} changed meanwhile; retry`);
      const saved: ProgrammeEntity = { ...current, status: 'closed', updatedAt: now };
      await this.audit(manager, saved, 'CLOSED', current.status, actor, {});
      return saved;
    });
    return toProgrammeView(row);
  }

  /**
   * First start: the four defaults for the current year, active, 10,000,000 each. A code that exists in any version
   * is left alone (the bureau may have closed it). Several processes starting at once: the unique (code, version) key
   * keeps one row, and the loser's insert is ignored.
   */
  async onApplicationBootstrap() {
    const year = Number(chinaToday().slice(0, 4));
    let seeded = 0;
    for (const d of DEFAULT_PROGRAMMES) {
      const inserted = await this.tx.run(async (manager) => {
        if (await manager.exists(ProgrammeEntity, { where: { code: d.code } })) return false;
        const now = new Date();
        const entity: ProgrammeEntity = {
          id: randomUUID(),
          code: d.code,
          version: 1,
          name: d.name,
          description: d.description,
          region: DEFAULT_REGION,
          districts: null,
          period: year,
          triggerEvent: d.trigger.event,
          triggerKind: d.trigger.kind ?? null,
          rule: d.rule,
          amount: d.amount,
          budget: DEFAULT_BUDGET,
          reserved: 0,
          status: 'active',
          supersededBy: null,
          createdBy: null,
          createdAt: now,
          updatedAt: now,
        };
        await manager.createQueryBuilder().insert().into(ProgrammeEntity).values(entity).orIgnore().execute();
        if (!(await manager.exists(ProgrammeEntity, { where: { id: entity.id } }))) return false;
        await this.audit(manager, entity, 'SEEDED', null, SYSTEM_ACTOR, {});
        return true;
      });
      if (inserted) seeded++;
    }
    if (seeded) this.logger.log({ seeded, period: year }, 'default subsidy programmes created');
  }

  private audit(
    manager: EntityManager,
    p: ProgrammeEntity,
    event: string,
    from: string | null,
    actor: Actor,
    payload: Record<string, unknown>,
    to: string = p.status,
  ) {
    return appendAudit(manager, {
      entityType: 'programme',
      entityId: p.id,
      event,
      from,
      to,
      actorId: actor.id,
      payload: { code: p.code, version: p.version, period: p.period, ...payload },
    });
  }
}

function budgetBelowReserved(reserved: number) {
  return { field: 'budget', reason: `budget must be at least the ${reserved} already reserved` };
}

/** Everything that keeps a definition from being saved as a programme that runs (a simulation checks less). */
function runnableProblems(spec: ProgrammeSpec) {
  return [...validateProgrammeSpec(spec), ...budgetProblems(spec)];
}
