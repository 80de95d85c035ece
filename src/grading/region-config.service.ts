import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { validationFailed } from '../common/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { RegionConfigEntity } from './region-config.entity';
import { RegionConfig, validateRegionConfig } from './rules/region-config';
import { currentRuleSetId, ruleSets } from './rules/rule-set';

export interface VersionedRegionConfig {
  /** 0 is the rule set's built-in default (no override saved yet). */
  version: number;
  ruleSet: string;
  config: RegionConfig;
}

/** How long a process trusts its cached copy; other API processes may have saved a newer version meanwhile. */
const CACHE_MS = 5000;

/**
 * The region's overrides of the rule set (leader criteria, colour mapping: DOMAIN.md sections 5 and 6). Each save
 * is a new version; every evaluation records the version it used.
 */
@Injectable()
export class RegionConfigService {
  private cached: { at: number; value: VersionedRegionConfig } | null = null;

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async current(manager: EntityManager = this.dataSource.manager): Promise<VersionedRegionConfig> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const latest = await manager.find(RegionConfigEntity, { order: { version: 'DESC' }, take: 1 });
    const value: VersionedRegionConfig = latest[0]
      ? { version: latest[0].version, ruleSet: latest[0].ruleSet, config: Object.freeze(latest[0].config) }
      : { version: 0, ruleSet: currentRuleSetId, config: ruleSets[currentRuleSetId].defaultConfig };
    this.cached = { at: Date.now(), value };
    return value;
  }

  async versions() {
    const rows = await this.dataSource.getRepository(RegionConfigEntity).find({ order: { version: 'DESC' } });
    return { items: rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), total: rows.length };
  }

  /** Saves a new version: the given parts replace the current ones; the whole result must validate. */
  async save(patch: Partial<RegionConfig>, note: string | null, actor: Actor): Promise<VersionedRegionConfig> {
    const saved = await this.tx.run(async (manager) => {
      this.cached = null;
      const current = await this.current(manager);
      const config = { ...current.config, ...patch } as RegionConfig;
      const problems = validateRegionConfig(config);
      if (problems.length) throw validationFailed(problems);
      const row: RegionConfigEntity = {
        version: current.version + 1,
        ruleSet: currentRuleSetId,
        config,
        note,
        createdBy: actor.id,
        createdAt: new Date(),
      };
      // Two admins saving at once: the primary key on version lets only one of them take the next number.
      await manager.insert(RegionConfigEntity, row);
      await appendAudit(manager, {
        entityType: 'region_config',
        entityId: String(row.version),
        event: 'SAVED',
        actorId: actor.id,
        payload: { config, note },
      });
      return { version: row.version, ruleSet: row.ruleSet, config };
    });
    this.cached = null;
    return saved;
  }
}
