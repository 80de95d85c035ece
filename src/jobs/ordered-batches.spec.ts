import { runOrderedBatches } from './ordered-batches';

/** A promise the test resolves or rejects by hand, to finish batches out of order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runOrderedBatches', () => {
  function harness(batches: number, depth: number) {
    const gates = Array.from({ length: batches }, () => deferred<string>());
    const started: number[] = [];
    const settled: string[] = [];
    let taken = 0;
    const run = runOrderedBatches({
      depth,
      next: async () => (taken < batches ? taken++ : null),
      work: (b: number) => (started.push(b), gates[b].promise),
      settle: async (b, result) => void settled.push(`${b}:${result}`),
    });
    return { gates, started, settled, run };
  }

  it('keeps at most `depth` batches in flight and settles them in the order taken', async () => {
    const { gates, started, settled, run } = harness(4, 2);
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1].resolve('b'); // the later batch finishes first: nothing settles before batch 0
    await tick();
    expect(settled).toEqual([]);
    expect(started).toEqual([0, 1]);
    gates[0].resolve('a');
    await tick();
    expect(settled).toEqual(['0:a', '1:b']);
    expect(started).toEqual([0, 1, 2, 3]);
    gates[3].resolve('d');
    gates[2].resolve('c');
    await run;
    expect(settled).toEqual(['0:a', '1:b', '2:c', '3:d']);
  });

  it('runs one batch at a time at depth 1', async () => {
    const { gates, started, settled, run } = harness(2, 1);
    await tick();
    expect(started).toEqual([0]);
    gates[0].resolve('a');
    await tick();
    expect(settled).toEqual(['0:a']);
    expect(started).toEqual([0, 1]);
    gates[1].resolve('b');
    await run;
    expect(settled).toEqual(['0:a', '1:b']);
  });

  it('stops at the first failure, settles nothing after it, and lets the batches in flight finish first', async () => {
    const { gates, started, settled, run } = harness(5, 2);
    const outcome = run.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await tick();
    gates[0].reject(new Error('batch 0 failed'));
    await tick();
    // Batch 1 is still running: the job does not fail (and get retried) under it.
    let finished = false;
    void outcome.then(() => (finished = true));
    await tick();
    expect(finished).toBe(false);
    gates[1].resolve('b');
    expect(await outcome).toBe('batch 0 failed');
    expect(settled).toEqual([]);
    expect(started).toEqual([0, 1]);
  });

  it('does not settle a batch that finished after an earlier one failed', async () => {
    const { gates, settled, run } = harness(3, 3);
    await tick();
    gates[2].resolve('c');
    gates[0].resolve('a');
    gates[1].reject(new Error('batch 1 failed'));
    await expect(run).rejects.toThrow('batch 1 failed');
    expect(settled).toEqual(['0:a']);
  });
});
