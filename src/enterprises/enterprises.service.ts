import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { OwnershipRegistry } from '../auth/ownership.registry';
import { conflict, DomainError, notFound, validationFailed } from '../common/domain-error';
import { CoalescedReader } from '../database/coalesced-reader';
import { hydrate, readRows, selectColumns } from '../database/entity-rows';
import { preparedQuery } from '../database/prepared-query';
import { TransactionRunner } from '../database/transaction-runner';
import { appendOutbox } from '../outbox/outbox-writer';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { PipelineCounters } from '../pipeline/pipeline-counters';
import { MachineRegistry } from '../state/machine-registry';
import { CreateEnterpriseDto, ListEnterprisesQueryDto, UpdateEnterpriseDto } from './enterprise.dto';
import { EnterpriseEntity } from './enterprise.entity';
import { EnterpriseView, toEnterpriseView } from './enterprise.view';
import { registryCountSql, RegistryFilter, registryPageSql, VIEW_BODIES_BY_IDS_SQL } from './enterprise-view.sql';
import { migrateTierSnapshot, TIER_MACHINE_ID, TIER_MACHINE_VERSION, tierMachine } from './tier.machine';

/** One enterprise's view as the JSON text of the answer. */
interface ViewBody {
  id: string;
  body: string;
}

/**
 * Facts of the business registry that grading and subsidies read (the founding date decides the high-tech one-year
 * condition, the district which programmes pay): an enterprise keeps the rest of its profile, the bureau these.
 */
const REGISTRY_FACTS = ['registeredOn', 'district'] as const;

/** The registry: who the enterprises are. Grading, tiers and indicators hang off the rows kept here. */
@Injectable()
export class EnterprisesService implements OnModuleInit {
  /**
   * PostgreSQL: the view bodies of concurrent `getJson`s, one prepared statement per batch, one batch at the database
   * at a time (with two in flight batches were smaller and the API spent 0.048–0.053 ms of CPU per request, with one
   * 0.043–0.046 ms; p99 stayed under 5 ms at 32 clients).
   */
  private readonly views = new CoalescedReader<string, ViewBody>(
    async (ids) => (await preparedQuery(this.dataSource.manager, VIEW_BODIES_BY_IDS_SQL, [ids])) as ViewBody[],
    (row) => row.id,
    256,
    1,
  );

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly machines: MachineRegistry,
    private readonly ownership: OwnershipRegistry,
    private readonly relay: OutboxRelay,
    private readonly counters: PipelineCounters,
  ) {}

  onModuleInit() {
    this.machines.register({
      id: TIER_MACHINE_ID,
      version: TIER_MACHINE_VERSION,
      machine: tierMachine as never,
      entity: EnterpriseEntity,
      entityType: 'enterprise',
      migrate: migrateTierSnapshot,
    });
    // An enterprise owns itself; this resolver also tells the guard (and user creation) whether it exists.
    this.ownership.register('enterprise', async (id) =>
      (await this.dataSource.getRepository(EnterpriseEntity).exists({ where: { id } })) ? id : null,
    );
  }

  async create(dto: CreateEnterpriseDto, actor: Actor): Promise<EnterpriseView> {
    const entity = await this.tx.run((manager) => this.createIn(manager, dto, actor));
    this.relay.nudge();
    return toEnterpriseView(entity);
  }

  async createIn(manager: EntityManager, dto: CreateEnterpriseDto, actor: Actor): Promise<EnterpriseEntity> {
    const now = new Date();
    const entity: EnterpriseEntity = Object.assign(new EnterpriseEntity(), {
      id: randomUUID(),
      uscc: dto.uscc,
      name: dto.name,
      district: dto.district,
      registeredOn: dto.registeredOn,
      industry: dto.industry ?? null,
      address: dto.address ?? null,
      contact: dto.contact ? { ...dto.contact } : null,
      // No indicators on file yet: seed stock (橙) until the first filing is graded.
      colour: 'orange',
      techSmeScore: null,
      gapCount: null,
      caseworkerId: null,
      ...this.machines.initialColumns(TIER_MACHINE_ID),
      createdAt: now,
      updatedAt: now,
    });
    if (await manager.exists(EnterpriseEntity, { where: { uscc: dto.uscc } }))
      throw conflict('USCC_TAKEN', `An enterprise with USCC ${dto.uscc} is already registered`);
    await manager.insert(EnterpriseEntity, entity);
    await appendAudit(manager, {
      entityType: 'enterprise',
      entityId: entity.id,
      event: 'REGISTERED',
      to: entity.state,
      actorId: actor.id,
      payload: { ...dto },
    });
    await appendOutbox(manager, [
      { topic: 'enterprise.registered', aggregateType: 'enterprise', aggregateId: entity.id, payload: {} },
    ]);
    return entity;
  }

  /**
   * Creates the enterprise with this USCC, or updates the profile fields that differ (bulk import): the same data
   * again changes nothing, so importing a file twice is a no-op.
   */
  async upsertByUsccIn(manager: EntityManager, dto: CreateEnterpriseDto, actor: Actor) {
    const existing = await manager.findOne(EnterpriseEntity, { where: { uscc: dto.uscc } });
    if (!existing) return { enterprise: await this.createIn(manager, dto, actor), outcome: 'created' as const };
    const changes: UpdateEnterpriseDto = {};
    for (const key of ['name', 'district', 'registeredOn', 'industry', 'address'] as const)
      if (dto[key] !== undefined && dto[key] !== existing[key]) changes[key] = dto[key];
    if (dto.contact && JSON.stringify({ ...dto.contact }) !== JSON.stringify(existing.contact))
      changes.contact = dto.contact;
    if (!Object.keys(changes).length) return { enterprise: existing, outcome: 'unchanged' as const };
    return { enterprise: await this.updateIn(manager, existing.id, changes, actor), outcome: 'updated' as const };
  }

  /**
   * The enterprise's view as the JSON text of the answer: the registry's hottest read. On PostgreSQL the database
   * writes the JSON of the view's columns only (not the machine snapshot), by a named prepared statement on the
   * driver's pool, and the reads that arrive together share one statement (`CoalescedReader`; BENCHMARKS.md,
   * `GET /api/enterprises/:id`). SQLite reads through the entity as everywhere else.
   */
  async getJson(id: string): Promise<string> {
    if (!this.tx.isPostgres) return JSON.stringify(toEnterpriseView(await this.load(this.dataSource.manager, id)));
    const view = await this.views.load(id);
    if (!view) throw notFound('enterprise', id);
    return view.body;
  }

  async load(manager: EntityManager, id: string): Promise<EnterpriseEntity> {
    const entity = await manager.findOne(EnterpriseEntity, { where: { id } });
    if (!entity) throw notFound('enterprise', id);
    return entity;
  }

  async update(id: string, dto: UpdateEnterpriseDto, actor: Actor): Promise<EnterpriseView> {
    const updated = await this.tx.run((manager) => this.updateIn(manager, id, dto, actor));
    this.relay.nudge();
    return toEnterpriseView(updated);
  }

  async updateIn(
    manager: EntityManager,
    id: string,
    dto: UpdateEnterpriseDto,
    actor: Actor,
  ): Promise<EnterpriseEntity> {
    const { version: expected, ...changes } = dto;
    const current = await this.load(manager, id);
    if (expected !== undefined && expected !== current.version)
      throw conflict('STALE_VERSION', `enterprise ${id} is at version ${current.version}, not ${expected}`, {
        currentVersion: current.version,
      });
    if (actor.role === 'enterprise') {
      const facts = REGISTRY_FACTS.filter((f) => changes[f] !== undefined && changes[f] !== current[f]);
      if (facts.length)
        throw new DomainError(
          403,
          'REGISTRY_FACT',
          'The registration date and district come from the business registry: ask the bureau to correct them',
          facts.map((field) => ({ field, reason: `${field} is corrected by the bureau, not by the enterprise` })),
        );
    }
    const patch = { ...changes, ...(changes.contact ? { contact: { ...changes.contact } } : {}) };
    const result = await manager
      .createQueryBuilder()
      .update(EnterpriseEntity)
      .set({ ...patch, version: () => 'version + 1', updatedAt: new Date() })
      .where('id = :id AND version = :version', { id, version: current.version })
      .execute();
    if (result.affected !== 1)
      throw conflict('CONCURRENT_UPDATE', `enterprise ${id} was changed by someone else; reload and retry`);
    const before = Object.fromEntries(
      Object.keys(changes).map((k) => [k, (current as unknown as Record<string, unknown>)[k]]),
    );
    await appendAudit(manager, {
      entityType: 'enterprise',
      entityId: id,
      event: 'PROFILE_UPDATED',
      from: current.state,
      to: current.state,
      actorId: actor.id,
      payload: { before, after: patch },
    });
    // The founding date and district feed grading and reports: re-grade when they change.
    if (changes.registeredOn && changes.registeredOn !== current.registeredOn)
      await appendOutbox(manager, [
        {
          topic: 'enterprise.updated',
          aggregateType: 'enterprise',
          aggregateId: id,
          payload: { fields: Object.keys(changes) },
        },
      ]);
    return this.load(manager, id);
  }

  /**
   * A page of the registry as the JSON text of the answer (`{"items": [...], "total": n}`); the page and its total are
   * read at once. On PostgreSQL the database writes each item's JSON (enterprise-view.sql.ts); SQLite runs the same
   * page with the entity's columns, and the items are its views.
   */
  async listJson(query: ListEnterprisesQueryDto, actor: Actor): Promise<string> {
    if (actor.role === 'reviewer') return this.lookupJson(query);
    const manager = this.dataSource.manager;
    const filter: RegistryFilter = {
      ...(actor.role === 'enterprise' ? { own: actor.enterpriseId ?? '' } : {}),
      tier: query.tier,
      colour: query.colour,
      district: query.district,
      q: query.q,
    };
    const select = this.tx.isPostgres
      ? undefined
      : `SELECT ${selectColumns(manager, EnterpriseEntity, 'e')} FROM enterprises e`;
    const page = registryPageSql(
      filter,
      query.sort ?? 'name',
      query.pageSize,
      (query.page - 1) * query.pageSize,
      select,
    );
    const count = registryCountSql(filter);
    const [rows, total] = await Promise.all([
      readRows(manager, page.text, page.values),
      this.countersTotal(query, actor) ?? readRows(manager, count.text, count.values).then((r) => Number(r[0].n)),
    ]);
    const meta = this.dataSource.getMetadata(EnterpriseEntity);
    const items = this.tx.isPostgres
      ? rows.map((row) => row.body as string)
      : rows.map((row) => JSON.stringify(toEnterpriseView(hydrate(manager, meta, row) as EnterpriseEntity)));
    return `{"items":[${items.join(',')}],"total":${total}}`;
  }

  /**
   * Reviewers look enterprises up by name or USCC to declare a conflict (回避) before any panel is drawn, so they see
   * who an enterprise is (id, USCC, name, district) and nothing of its grade, tier, score or caseworker, nor can they
   * filter or sort by those: its records open only while they sit on one of its panels.
   */
  private async lookupJson(query: ListEnterprisesQueryDto): Promise<string> {
    const graded = [
      ...(['tier', 'colour'] as const).filter((field) => query[field] !== undefined),
      ...(query.sort && !['name', '-name'].includes(query.sort) ? ['sort'] : []),
    ];
    if (graded.length)
      throw validationFailed(
        graded.map((field) => ({ field, reason: `reviewers look enterprises up by name, USCC or district only` })),
      );
    const filter: RegistryFilter = { district: query.district, q: query.q };
    const page = registryPageSql(
      filter,
      query.sort ?? 'name',
      query.pageSize,
      (query.page - 1) * query.pageSize,
      'SELECT e.id, e.uscc, e.name, e.district FROM enterprises e',
    );
    const count = registryCountSql(filter);
    const manager = this.dataSource.manager;
    const [items, [{ n }]] = await Promise.all([
      readRows(manager, page.text, page.values),
      readRows(manager, count.text, count.values),
    ]);
    return JSON.stringify({
      items: items.map(({ id, uscc, name, district }) => ({ id, uscc, name, district })),
      total: Number(n),
    });
  }

  /**
   * Filters the pipeline counters cover (tier, colour, district) take their total from them: a COUNT over a million
   * matching rows would cost more than the page itself. Null when the list needs a COUNT.
   */
  private countersTotal(query: ListEnterprisesQueryDto, actor: Actor): Promise<number> | null {
    if (query.q || actor.role === 'enterprise') return null;
    return this.counters
      .read(query.district)
      .then((groups) =>
        groups
          .filter((g) => (!query.tier || g.state === query.tier) && (!query.colour || g.colour === query.colour))
          .reduce((sum, g) => sum + g.count, 0),
      );
  }
}
