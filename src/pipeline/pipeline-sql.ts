import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Read-only SQL for the pipeline, written once for PostgreSQL and SQLite: named parameters (`:name`, `:...list`) go
 * through the driver's own escaping, so dates become what each driver stores and placeholders are `$n` or `?`.
 * The subsidies tables are read by name, so the pipeline works whether or not that module is installed.
 */
@Injectable()
export class PipelineSql {
  private readonly tables = new Map<string, Promise<boolean>>();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  get pg() {
    return this.dataSource.options.type === 'postgres';
  }

  async rows<T = Record<string, any>>(
    sql: string,
    params: Record<string, unknown> = {},
    manager?: EntityManager,
  ): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return (manager ?? this.dataSource).query(query, values);
  }

  /** Whether a table exists (asked once per process; migrations only run at start). */
  hasTable(name: string): Promise<boolean> {
    let known = this.tables.get(name);
    if (!known) {
      known = (async () => {
        const runner = this.dataSource.createQueryRunner();
        try {
          return await runner.hasTable(name);
        } finally {
          await runner.release();
        }
      })();
      this.tables.set(name, known);
    }
    return known;
  }

  /** The boolean at a JSON path of a text column holding JSON, as a SQL boolean expression. */
  jsonTrue(column: string, ...path: string[]): string {
    if (this.pg) return `((${column})::jsonb #>> '{${path.join(',')}}') = 'true'`;
    return `json_extract(${column}, '$.${path.join('.')}') = 1`;
  }

  /** The number of stored gaps of one tier in an evaluation result (a text column holding JSON). */
  gapCount(column: string, tier: 'tech_sme' | 'high_tech' | 'leader'): string {
    if (this.pg)
      return `(SELECT COUNT(*) FROM jsonb_array_elements((${column})::jsonb -> 'gaps') AS g(x) WHERE g.x ->> 'tier' = '${tier}')`;
    return `(SELECT COUNT(*) FROM json_each(${column}, '$.gaps') AS g WHERE json_extract(g.value, '$.tier') = '${tier}')`;
  }
}

/** COUNT and SUM come back as number, bigint-as-number or numeric text depending on driver and type. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
