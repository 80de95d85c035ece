/** The bench's flags. Sizes default to issue 8's (100,000 enterprises with three years of indicators; `--large`). */
import { resolve } from 'node:path';

export const PHASES = ['grading', 'regrade', 'subsidies', 'transitions', 'by-id', 'list', 'pipeline'] as const;
export type Phase = (typeof PHASES)[number];

export interface Options {
  quick: boolean;
  large: boolean;
  /** Enterprises with three years of indicators for the bulk jobs (regrade, subsidy batch and simulation). */
  enterprises: number;
  /** A tenth of that: the bulk jobs run there first, to show the worker's memory does not grow with the size. */
  small: number;
  /** The registry for the list and the pipeline summary (every enterprise with three years of indicators). */
  registry: number;
  runs: number;
  durationMs: number;
  /** Concurrent clients for the list and the pipeline summary. */
  concurrency: number[];
  /**
   * API processes (API_PROCESSES, src/api-cluster.ts); the bare yardstick runs as many. Default 1: on the 2-core
   * machines two processes served fewer requests than one (bench/history.md), the cores being shared with PostgreSQL,
   * the worker and the load generator.
   */
  apiProcesses: number;
  /** Concurrent clients for the transitions and the enterprise-by-id comparison (issue 8: 32). */
  clients: number;
  only: Set<Phase>;
  keep: boolean;
  out: string;
}

const KNOWN = [
  'quick',
  'large',
  'enterprises',
  'registry',
  'runs',
  'duration',
  'concurrency',
  'clients',
  'api-processes',
  'only',
  'keep',
  'out',
];

export function parseOptions(argv: string[], root: string): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1] === 'list' ? 'registry' : m[1], m[2] ?? 'true');
  }
  for (const k of flags.keys())
    if (!KNOWN.includes(k)) throw new Error(`unknown flag --${k} (known: ${KNOWN.join(', ')})`);
  const quick = flags.has('quick');
  const large = flags.has('large');
  const num = (k: string, fallback: number) => {
    const v = flags.get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} expects a positive number, got ${v}`);
    return n;
  };
  const enterprises = Math.round(num('enterprises', quick ? 5_000 : large ? 1_000_000 : 100_000));
  const registry = Math.max(enterprises, Math.round(num('registry', quick ? 20_000 : 1_000_000)));
  const only = (flags.get('only') ?? PHASES.join(',')).split(',');
  for (const p of only)
    if (!(PHASES as readonly string[]).includes(p))
      throw new Error(`--only: unknown phase ${p} (known: ${PHASES.join(', ')})`);
  return {
    quick,
    large,
    enterprises,
    small: Math.max(1, Math.round(enterprises / 10)),
    registry,
    // A smoke run (CI) proves every phase still works: one run each keeps it under 2 minutes on the slower machines.
    runs: Math.max(1, Math.round(num('runs', quick || large ? 1 : 3))),
    durationMs: num('duration', quick ? 2 : 10) * 1000,
    concurrency: (flags.get('concurrency') ?? '1,8').split(',').map(Number),
    clients: Math.round(num('clients', 32)),
    apiProcesses: Math.round(num('api-processes', 1)),
    only: new Set(only as Phase[]),
    keep: flags.has('keep'),
    out: resolve(root, flags.get('out') ?? 'BENCHMARKS.md'),
  };
}
