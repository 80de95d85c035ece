/**
 * Point reads by key that arrive in the same turn of the event loop are answered by one query for all their keys
 * (the DataLoader pattern, without its cache). Under load the API receives many `GET …/:id` in one read of its sockets;
 * each used to cost a round trip to the database with its own send, parse and wake-up on both sides, and together they
 * now cost one. Every read still goes to the database after its request arrived, so nothing is served stale: a write
 * committed before the request is seen, as with a read of its own.
 *
 * A batch is sent on `setImmediate`, after the I/O callbacks of the current turn, so a lone request waits for no
 * timer. At most `maxInFlight` batches are at the database at once; reads that arrive meanwhile wait for one to
 * return and then go together (as a database's group commit does), so batches grow with the load instead of the
 * load turning into more statements. `maxBatch` bounds the parameter list (a full batch goes at once). A failed query
 * fails every read of its batch.
 */
export class CoalescedReader<K, V> {
  private pending = new Map<K, { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;
  private inFlight = 0;

  constructor(
    /** Rows for the keys, in any order; `keyOf` says which key each answers. */
    private readonly fetch: (keys: K[]) => Promise<V[]>,
    private readonly keyOf: (value: V) => K,
    private readonly maxBatch = 256,
    private readonly maxInFlight = 2,
  ) {}

  /** The row for the key, or undefined when there is none. */
  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (this.pending.size >= this.maxBatch) this.flush();
      else this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight++;
    this.fetch([...batch.keys()])
      .finally(() => {
        this.inFlight--;
        if (this.pending.size) this.schedule();
      })
      .then(
        (rows) => {
          const found = new Map<K, V>();
          for (const row of rows) found.set(this.keyOf(row), row);
          for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
        },
      );
  }
}
