import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { SYSTEM_ACTOR } from '../auth/actor';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import type { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { TransitionService } from '../state/transition.service';
import { BudgetLedger } from './budget.ledger';
import { Candidate, EnterpriseSet, eventDateFor, FactsLoader, pageOf } from './facts.loader';
import { GrantEntity, type GrantTrigger } from './grant.entity';
import { GRANT_MACHINE_ID } from './grant.machine';
import { Evaluated, GrantWriter, WriteSummary } from './grant.writer';
import { ProgrammeEntity } from './programme.entity';
import { ProgrammesService } from './programmes.service';
import { buildFacts, type EnterpriseRecord, type FactInputs, type TriggerFacts } from './rules/programme-facts';
import { triggerFits, type CompiledProgramme } from './rules/programme.rules';
import { decide } from './rules/rule-evaluation';

/** The period and facts of a triggering outbox event (payloads as the tier machine and indicators write them). */
export function triggerOf(event: Pick<OutboxEventEntity, 'topic' | 'payload' | 'createdAt'>): TriggerFacts | null {
  const p = event.payload ?? {};
  const eventDay = chinaToday(new Date(event.createdAt).getTime());
  if (event.topic === 'tier.recognised') {
    const issuedOn: string = typeof p.issuedOn === 'string' ? p.issuedOn : eventDay;
    return {
      type: 'tier.recognised',
      year: Number(issuedOn.slice(0, 4)),
      date: issuedOn,
      tier: String(p.tier),
      kind: p.kind === 'renewal' ? 'renewal' : 'first',
      issuedOn,
      certificationId: typeof p.certificationId === 'string' ? p.certificationId : null,
    };
  }
  if (event.topic === 'indicators.filed' && Number.isInteger(p.year))
    return { type: 'indicators.filed', year: p.year, date: eventDay };
  return null;
}

export interface EvaluateOptions {
  queuedAt: Date;
  origin?: { outboxId?: string; jobId?: string };
  trace?: boolean;
}

/**
 * Finds who is owed what: on each triggering event for one enterprise, in each batch page for 2,000, and again for
 * needs-data matches when the enterprise files. Decisions are pure (rules/); GrantWriter writes them.
 */
@Injectable()
export class MatchingService {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly writer: GrantWriter,
    private readonly ledger: BudgetLedger,
    private readonly transitions: TransitionService,
  ) {}

  /** Every active programme of the event's trigger and period, for the enterprise the event is about. */
  async onEvent(manager: EntityManager, event: OutboxEventEntity): Promise<WriteSummary[]> {
    const trigger = triggerOf(event);
    if (!trigger) return [];
    const rows = await manager.find(ProgrammeEntity, {
      where: { status: 'active', triggerEvent: trigger.type, period: trigger.year },
      order: { id: 'ASC' },
    });
    const fitting = rows.filter((p) =>
      triggerFits({ event: p.triggerEvent, kind: p.triggerKind }, trigger.type, trigger.kind),
    );
    if (trigger.type === 'indicators.filed') await this.refillInOrder(manager, event.aggregateId, fitting);
    if (!fitting.length) return [];
    const loader = new FactsLoader(manager);
    const [record] = await loader.enterprises([event.aggregateId]);
    if (!record) return [];
    const initiatedBy = typeof event.payload?.actorId === 'string' ? event.payload.actorId : null;
    const queuedAt = new Date(event.createdAt);
    const summaries: WriteSummary[] = [];
    // Programmes in id order: two transactions lock the same rows in the same order.
    for (const programme of fitting) {
      const compiled = this.programmes.compile(programme);
      const candidate: Candidate = { enterpriseId: record.id, trigger };
      const evaluated = await this.evaluate(loader, compiled, [record], [candidate], {
        queuedAt,
        origin: { outboxId: event.id },
      });
      summaries.push(await this.writer.write(manager, programme, evaluated, { initiatedBy }));
    }
    return summaries;
  }

  /** One keyset page of a batch run, in the caller's transaction. */
  async matchPage(
    manager: EntityManager,
    programme: ProgrammeEntity,
    records: EnterpriseRecord[],
    context: { initiatedBy: string | null; queuedAt: Date; jobId: string; today: string; set?: EnterpriseSet },
  ): Promise<WriteSummary & { evaluated: number; notMatched: number }> {
    const loader = new FactsLoader(manager);
    const compiled = this.programmes.compile(programme);
    const set = context.set ?? pageOf(records, !programme.districts?.length);
    const { candidates, inputs } = await this.load(loader, programme, compiled, records, set, context.today);
    const evaluated = this.decideAll(compiled, candidates, inputs, {
      queuedAt: context.queuedAt,
      origin: { jobId: context.jobId },
    });
    const summary = records.length
      ? await this.writer.write(manager, programme, evaluated, {
          initiatedBy: context.initiatedBy,
          span: [records[0].id, records[records.length - 1].id],
        })
      : await this.writer.write(manager, programme, evaluated, { initiatedBy: context.initiatedBy });
    const considered = new Set(candidates.map((c) => c.enterpriseId)).size;
    const matched = new Set(evaluated.filter((e) => e.decision.outcome !== 'no_match').map((e) => e.enterpriseId));
    return { ...summary, evaluated: considered, notMatched: considered - matched.size };
  }

  /**
   * Decides each candidate; loads only the sources the programme's facts come from. `set` is the page the records
   * came from (read by id range when most of it has candidates); without `trace` (simulation) no "why" is kept.
   */
  async evaluate(
    loader: FactsLoader,
    compiled: CompiledProgramme,
    records: EnterpriseRecord[],
    candidates: Candidate[],
    options: EvaluateOptions & { set?: EnterpriseSet },
  ): Promise<Evaluated[]> {
    const inputs = await this.inputsFor(loader, compiled, records, candidates, options.set);
    return this.decideAll(compiled, candidates, inputs, options);
  }

  /**
   * The candidates of a page of a batch run or a simulation and their inputs. When the events are filings and the
   * rule reads filings, the filings read for the inputs of the whole page are the events (an enterprise with a filing
   * of the period's year is a candidate): one read of the filings instead of two.
   */
  async load(
    loader: FactsLoader,
    programme: Pick<ProgrammeEntity, 'period' | 'triggerEvent' | 'triggerKind'>,
    compiled: CompiledProgramme,
    records: EnterpriseRecord[],
    set: EnterpriseSet,
    today: string,
  ): Promise<{ candidates: Candidate[]; inputs: Map<string, FactInputs> }> {
    const filings = compiled.sources.has('indicators') || compiled.sources.has('grading');
    if (programme.triggerEvent !== 'indicators.filed' || !filings) {
      const candidates = await loader.candidates(programme, set, today);
      return { candidates, inputs: await this.inputsFor(loader, compiled, records, candidates, set) };
    }
    const year = programme.period;
    const inputs = await loader.inputs(records, compiled, year, 'indicators.filed', set);
    // One event object for the page: every filing of the year replays the same event.
    const trigger: TriggerFacts = { type: 'indicators.filed', year, date: eventDateFor(year, today) };
    const candidates: Candidate[] = [];
    for (const record of records)
      if (inputs.get(record.id)?.years?.some((y) => y.year === year))
        candidates.push({ enterpriseId: record.id, trigger });
    return { candidates, inputs };
  }

  inputsFor(
    loader: FactsLoader,
    compiled: CompiledProgramme,
    records: EnterpriseRecord[],
    candidates: Candidate[],
    set?: EnterpriseSet,
  ): Promise<Map<string, FactInputs>> {
    if (!candidates.length) return Promise.resolve(new Map());
    const wanted = new Set(candidates.map((c) => c.enterpriseId));
    const subset = records.filter((r) => wanted.has(r.id));
    const byRange = set?.range && subset.length * 4 >= records.length ? set : undefined;
    return loader.inputs(subset, compiled, compiled.period, compiled.trigger.event, byRange);
  }

  /** Pure: facts and decision for each candidate whose inputs were loaded. */
  decideAll(
    compiled: CompiledProgramme,
    candidates: Candidate[],
    inputs: Map<string, FactInputs>,
    options: EvaluateOptions,
  ): Evaluated[] {
    const out: Evaluated[] = [];
    // Candidates of one event share its object; so do their grants' triggers (they are only read).
    let event: TriggerFacts | null = null;
    let withOrigin: GrantTrigger = candidates[0]?.trigger;
    for (const candidate of candidates) {
      const input = inputs.get(candidate.enterpriseId);
      if (!input) continue;
      if (options.origin && candidate.trigger !== event) {
        event = candidate.trigger;
        withOrigin = { ...candidate.trigger, ...options.origin };
      }
      out.push({
        enterpriseId: candidate.enterpriseId,
        trigger: options.origin ? withOrigin : candidate.trigger,
        decision: decide(compiled, buildFacts(input, candidate.trigger, compiled), options.trace ?? true),
        queuedAt: options.queuedAt,
      });
    }
    return out;
  }

  /**
   * Takes the row locks of every programme this event may write to in id order before refilling, so the refill (by
   * code and period) and the matching (by programme) never lock in an order another transaction reverses.
   */
  private async refillInOrder(manager: EntityManager, enterpriseId: string, fitting: ProgrammeEntity[]) {
    const waiting = await manager.find(GrantEntity, {
      where: { enterpriseId, state: 'needs_data' },
      select: { id: true, programmeCode: true, period: true },
    });
    if (!waiting.length) return;
    const ids = new Set(fitting.map((p) => p.id));
    for (const key of new Set(waiting.map((g) => `${g.period}:${g.programmeCode}`))) {
      const [period, code] = [Number(key.slice(0, key.indexOf(':'))), key.slice(key.indexOf(':') + 1)];
      const latest = await manager.findOne(ProgrammeEntity, {
        where: { code, period },
        order: { version: 'DESC' },
        select: { id: true },
      });
      if (latest) ids.add(latest.id);
    }
    for (const id of [...ids].sort()) await this.ledger.lock(manager, id);
    await this.refill(manager, enterpriseId);
  }

  /**
   * 快申快享: after a filing, every needs-data grant of the enterprise is decided again with the rule version it was
   * matched under and the event it was matched for. Filled and eligible: the amount is reserved (or it waits);
   * no longer eligible: cancelled; still missing something: it keeps waiting for data.
   */
  async refill(manager: EntityManager, enterpriseId: string, actor: Actor = SYSTEM_ACTOR) {
    // Programme order, as every writer locks programme rows, so two transactions never wait on each other in a circle.
    const waiting = await manager.find(GrantEntity, {
      where: { enterpriseId, state: 'needs_data' },
      order: { programmeId: 'ASC', id: 'ASC' },
    });
    if (!waiting.length) return 0;
    const loader = new FactsLoader(manager);
    const [record] = await loader.enterprises([enterpriseId]);
    if (!record) return 0;
    let decided = 0;
    for (const grant of waiting) {
      const version = await manager.findOne(ProgrammeEntity, { where: { id: grant.programmeId } });
      if (!version) continue;
      const compiled = this.programmes.compile(version);
      const inputs = await loader.inputs([record], compiled, grant.period, grant.trigger.type);
      const decision = decide(compiled, buildFacts(inputs.get(enterpriseId)!, grant.trigger, compiled));
      if (decision.outcome === 'needs_data') continue;
      // The budget of the code and period is held by its latest version; a closed programme decides nothing more.
      const holder = await this.ledger.holder(manager, grant.programmeCode, grant.period);
      if (!holder || holder.status !== 'active') continue;
      let outcome: 'eligible' | 'waitlisted' | 'not_eligible' = 'not_eligible';
      if (decision.outcome === 'match') {
        const queueAhead = await this.ledger.waitlistHead(manager, grant.programmeCode, grant.period);
        outcome =
          !queueAhead && (await this.ledger.reserve(manager, holder.id, decision.amount ?? 0))
            ? 'eligible'
            : 'waitlisted';
      }
      await this.transitions.applyIn(manager, {
        machineId: GRANT_MACHINE_ID,
        entityId: grant.id,
        event: { type: 'DATA_FILLED', outcome },
        actor,
        columns: () => ({
          amount: decision.amount,
          reserved: outcome === 'eligible',
          facts: decision.factsRead,
          conditions: decision.conditions,
          missing: [],
          reason: outcome === 'not_eligible' ? 'the filed data does not meet the rule' : null,
        }),
        auditPayload: { amount: decision.amount, outcome },
      });
      decided++;
    }
    return decided;
  }
}
