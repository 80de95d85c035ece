import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { validationFailed } from '../common/domain-error';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { Candidate, FactsLoader } from './facts.loader';
import { MatchingService } from './matching.service';
import { SimulateProgrammeDto } from './programme.dto';
import type { ProgrammeEntity } from './programme.entity';
import type { EnterpriseRecord, FactInputs } from './rules/programme-facts';
import { compileProgramme, validateProgrammeSpec, type AmountSpec, type ProgrammeSpec } from './rules/programme.rules';

/** Enterprises read per round trip; the pass holds one page and the running totals, never the whole registry. */
const PAGE = 5000;

interface SimulationPage {
  records: EnterpriseRecord[];
  candidates: Candidate[];
  inputs: Map<string, FactInputs>;
  walked: number;
  last: boolean;
  cursor: string;
}

interface Bucket {
  matched: number;
  cost: number;
  needsData: number;
}

const bump = (buckets: Record<string, Bucket>, key: string, amount: number | null, matched: boolean) => {
  const b = (buckets[key] ??= { matched: 0, cost: 0, needsData: 0 });
  if (matched) {
    b.matched++;
    b.cost += amount ?? 0;
  } else b.needsData++;
};

/**
 * 政策沙盘: runs a draft programme over the registry exactly as a batch run would (same candidates, same facts, same
 * rule evaluation), without writing anything, and compares the cost with the budget. Existing grants are ignored:
 * the question is who the rule pays, not who is still unpaid.
 */
@Injectable()
export class SimulationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly matching: MatchingService,
  ) {}

  async simulate(dto: SimulateProgrammeDto) {
    const started = Date.now();
    const spec: ProgrammeSpec = {
      code: dto.code ?? 'simulation',
      period: dto.period,
      districts: dto.districts?.length ? dto.districts : null,
      trigger: { event: dto.trigger.event, kind: dto.trigger.kind ?? null },
      rule: dto.rule,
      amount: Object.fromEntries(Object.entries(dto.amount).filter(([, v]) => v !== undefined)) as AmountSpec,
      budget: dto.budget,
    };
    const problems = validateProgrammeSpec(spec);
    if (problems.length) throw validationFailed(problems);
    const compiled = compileProgramme(spec);
    // Only the columns the loader reads; nothing is saved.
    const programme = {
      code: spec.code,
      period: spec.period,
      districts: spec.districts,
      triggerEvent: spec.trigger.event,
      triggerKind: spec.trigger.kind ?? null,
    } as ProgrammeEntity;
    const loader = new FactsLoader(this.dataSource.manager);
    const today = chinaToday();
    const queuedAt = new Date();
    const totals = { considered: 0, triggered: 0, matched: 0, needsData: 0, cost: 0, needsDataKnownCost: 0 };
    const within = { count: 0, cost: 0 };
    const byDistrict: Record<string, Bucket> = {};
    const byTier: Record<string, Bucket> = {};
    const byColour: Record<string, Bucket> = {};
    const missing: Record<string, number> = {};
    // Streamed: the next page is read while this one is decided, so the database and this process work side by side.
    // Pages hold the enterprises that have an event to replay; `walked` counts every enterprise in scope they cover.
    const nextPage = await loader.walker(programme, await loader.count(spec.districts), PAGE);
    const fetchPage = async (after: string): Promise<SimulationPage> => {
      const { records, set, walked, last, cursor } = await nextPage(after);
      const { candidates, inputs } = await this.matching.load(loader, programme, compiled, records, set, today);
      return { records, candidates, inputs, walked, last, cursor: cursor ?? records[records.length - 1]?.id ?? after };
    };
    let next: Promise<SimulationPage> | null = fetchPage('');
    while (next) {
      const page: SimulationPage = await next;
      const { records, candidates, inputs, walked, last } = page;
      next = last ? null : fetchPage(page.cursor);
      // Awaited on the next round; this only keeps an early failure from counting as unhandled meanwhile.
      next?.catch(() => undefined);
      totals.considered += walked;
      const evaluated = this.matching.decideAll(compiled, candidates, inputs, { queuedAt, trace: false });
      // One outcome per enterprise, as the unique key allows: the first match, else the first needs-data.
      const best = new Map<string, (typeof evaluated)[number]>();
      for (const e of evaluated) {
        const current = best.get(e.enterpriseId);
        if (!current || (current.decision.outcome !== 'match' && e.decision.outcome === 'match'))
          best.set(e.enterpriseId, e);
      }
      totals.triggered += best.size;
      // In registry (id) order, the order a batch run reserves in.
      for (const record of records) {
        const e = best.get(record.id);
        if (!e) continue;
        const { outcome, amount } = e.decision;
        if (outcome === 'no_match') continue;
        const matched = outcome === 'match';
        if (matched) {
          totals.matched++;
          totals.cost += amount ?? 0;
          // Budget filled in registry order, as a batch run fills it; the rest would wait.
          if (within.cost + (amount ?? 0) <= spec.budget && within.count === totals.matched - 1) {
            within.count++;
            within.cost += amount ?? 0;
          }
        } else {
          totals.needsData++;
          totals.needsDataKnownCost += amount ?? 0;
          for (const name of e.decision.missing) missing[name] = (missing[name] ?? 0) + 1;
        }
        bump(byDistrict, record.district, amount, matched);
        bump(byTier, record.state, amount, matched);
        bump(byColour, record.colour, amount, matched);
      }
    }
    return {
      programme: { code: spec.code, period: spec.period, trigger: spec.trigger, facts: compiled.facts },
      enterprisesConsidered: totals.considered,
      triggered: totals.triggered,
      matched: totals.matched,
      needsData: totals.needsData,
      notMatched: totals.triggered - totals.matched - totals.needsData,
      totalCost: totals.cost,
      needsDataKnownCost: totals.needsDataKnownCost,
      budget: {
        budget: spec.budget,
        remaining: spec.budget - totals.cost,
        use: spec.budget > 0 ? Math.round((totals.cost / spec.budget) * 10000) / 10000 : null,
        exceeded: totals.cost > spec.budget,
        withinBudget: within,
        waitlisted: { count: totals.matched - within.count, cost: totals.cost - within.cost },
      },
      byDistrict,
      byTier,
      byColour,
      missingFacts: missing,
      durationMs: Date.now() - started,
    };
  }
}
