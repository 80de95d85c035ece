export interface OrderedBatches<B, R> {
  /** Batches in flight at once: 1 runs them one after the other. */
  depth: number;
  /** The next batch, or null when there are none left; may be called while earlier batches are still in flight. */
  next: () => Promise<B | null>;
  /** The batch's own work (its transaction). */
  work: (batch: B) => Promise<R>;
  /** Called once per batch, in the order the batches were taken, after its work and every earlier batch's settled. */
  settle: (batch: B, result: R) => Promise<void>;
}

/**
 * Runs a bulk job's batches with up to `depth` of them in flight, so that on PostgreSQL the worker grades one batch
 * while the database writes the one before, and still records progress strictly in order: a job's saved cursor never
 * passes a batch that has not committed, so a worker that dies resumes at the first batch not yet settled.
 * The first failure stops taking batches; the ones in flight are let finish (their work is idempotent, the caller's
 * premise), and then that failure is thrown.
 */
export async function runOrderedBatches<B, R>({ depth, next, work, settle }: OrderedBatches<B, R>): Promise<void> {
  const inFlight: { done: Promise<R>; settled: Promise<void> }[] = [];
  let settled: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const batch = await next();
      if (batch === null) break;
      const done = work(batch);
      settled = Promise.all([done, settled]).then(([result]) => settle(batch, result));
      // Awaited below (or by the catch); without a handler now a failure would be reported as unhandled first.
      settled.catch(() => undefined);
      inFlight.push({ done, settled });
      if (inFlight.length >= Math.max(1, depth)) await inFlight.shift()!.settled;
    }
    await settled;
  } catch (error) {
    // A batch's `settled` fails as soon as an earlier one does: wait for the work itself.
    await Promise.allSettled(inFlight.map((f) => f.done));
    throw error;
  }
}
