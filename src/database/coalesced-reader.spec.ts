import { CoalescedReader } from './coalesced-reader';

describe('CoalescedReader', () => {
  const rowsFor = (keys: number[]) => keys.filter((k) => k % 10 !== 0).map((k) => ({ k, v: `row ${k}` }));

  it('answers the reads of one turn with one fetch of their distinct keys', async () => {
    const fetches: number[][] = [];
    const reader = new CoalescedReader<number, { k: number; v: string }>(
      async (keys) => (fetches.push(keys), rowsFor(keys)),
      (row) => row.k,
    );
    const answers = await Promise.all([1, 2, 2, 3, 10].map((k) => reader.load(k)));
    expect(fetches).toEqual([[1, 2, 3, 10]]);
    expect(answers.map((a) => a?.v)).toEqual(['row 1', 'row 2', 'row 2', 'row 3', undefined]);
    // A later turn is a new batch.
    expect((await reader.load(4))?.v).toBe('row 4');
    expect(fetches).toEqual([[1, 2, 3, 10], [4]]);
  });

  it('sends a full batch at once and the rest in the next', async () => {
    const fetches: number[][] = [];
    const reader = new CoalescedReader<number, { k: number; v: string }>(
      async (keys) => (fetches.push(keys), rowsFor(keys)),
      (row) => row.k,
      3,
    );
    const answers = await Promise.all([1, 2, 3, 4, 5].map((k) => reader.load(k)));
    expect(fetches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(answers.map((a) => a?.k)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails every read of a batch whose fetch fails, and serves the next batch', async () => {
    let fail = true;
    const reader = new CoalescedReader<number, { k: number; v: string }>(
      async (keys) => {
        if (fail) throw new Error('database down');
        return rowsFor(keys);
      },
      (row) => row.k,
    );
    const results = await Promise.allSettled([reader.load(1), reader.load(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await reader.load(2))?.v).toBe('row 2');
  });

  it('keeps at most maxInFlight batches at the database and sends what waited as one batch', async () => {
    const fetches: number[][] = [];
    const release: (() => void)[] = [];
    const reader = new CoalescedReader<number, { k: number; v: string }>(
      (keys) => {
        fetches.push(keys);
        return new Promise((done) => release.push(() => done(rowsFor(keys))));
      },
      (row) => row.k,
      256,
      2,
    );
    const turn = () => new Promise((done) => setImmediate(done));
    const answers = [reader.load(1)];
    await turn();
    answers.push(reader.load(2));
    await turn();
    answers.push(reader.load(3));
    await turn();
    answers.push(reader.load(4));
    await turn();
    expect(fetches).toEqual([[1], [2]]);
    release.shift()!();
    await turn();
    await turn();
    expect(fetches).toEqual([[1], [2], [3, 4]]);
    release.splice(0).forEach((go) => go());
    await turn();
    release.splice(0).forEach((go) => go());
    expect((await Promise.all(answers)).map((a) => a?.k)).toEqual([1, 2, 3, 4]);
  });
});
