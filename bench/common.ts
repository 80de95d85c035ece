/** Small helpers shared by the benchmark scripts: a seeded generator and the statistics the report prints. */

/** mulberry32: a small seeded generator, so every run works on the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of an ascending array (p from 0 to 100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Memory peaks of the app process over one measured phase (bytes). */
export interface MemoryReport {
  samples: number;
  baseline: { rss: number; heapUsed: number };
  peak: { rss: number; heapUsed: number; heapTotal: number; external: number };
  /** Largest heap still in use right after a full (mark-compact) collection: what the process really retains. */
  liveHeapAfterMajorGc: number | null;
  majorGcs: number;
  /** CPU time the app process used in the phase (user + system), in ms. */
  cpuMs: number;
  /** Kernel high-water mark of resident memory since the last reset (VmHWM), when readable. */
  vmHwm: number | null;
  /** Largest sampled RSS since the process started (never reset). */
  wholeRunRss: number;
}

/** Messages between the benchmark driver and the app process it starts (bench/server.ts). */
export type ServerMessage =
  | { type: 'ready'; port: number | null }
  | { type: 'memory-reset'; id: number }
  | { type: 'memory-report'; id: number; report: MemoryReport };

export type DriverMessage =
  { type: 'memory-reset'; id: number; whole?: boolean } | { type: 'memory-report'; id: number };
