import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full collection before it collects again.
 *
 * Left to itself V8 grows the old generation by a factor of up to 4 when allocation is fast, which for a request
 * server is nearly always: `npm run bench` saw the API's heap reach 280 MB committed with 60 MB live under 32 clients,
 * and the process's RSS follow it past 400 MB. A fixed factor (1.5 by default, HEAP_GROWING_PERCENT=50) bounds the heap
 * near one and a half times what is live, at the price of more frequent (incremental, a few ms) full collections. It is
 * a growth factor, not a cap: a request that truly needs more memory (an export, a simulation) still gets it, where
 * `--max-old-space-size` would end the process. V8 reads the flag at every full collection, so setting it at start-up
 * is enough, and it works where NODE_OPTIONS may not carry V8 flags.
 */
export function applyHeapPolicy(heapGrowingPercent: number): void {
  if (heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
}
