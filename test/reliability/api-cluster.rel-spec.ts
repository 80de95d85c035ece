/**
 * API_PROCESSES=2: `node dist/src/main.js` becomes a primary that migrates and forks two API processes sharing the
 * port (src/api-cluster.ts). Both serve, a process killed with SIGKILL is replaced while the other keeps serving, and
 * SIGTERM to the primary ends every process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  adminToken,
  expectStatus,
  HttpClient,
  PrivateRedis,
  requireBuild,
  sleep,
  Stack,
  TestDatabase,
  waitUntil,
} from './harness';

/** Pids whose parent is `pid` (from /proc, so nothing needs installing). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces; the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      /* the process ended while we looked */
    }
  }
  return children.sort();
}

describe('API_PROCESSES=2: a primary and two API processes on one port', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let stack: Stack;

  beforeAll(async () => {
    requireBuild();
    db = await TestDatabase.create('cluster');
    redis = await PrivateRedis.start();
    // At info, the primary logs each process that starts listening.
    stack = new Stack({ db, redis, env: { API_PROCESSES: '2', LOG_LEVEL: 'info' } });
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    await redis?.stop();
    await db?.drop();
  }, 60_000);

  it('serves from both, replaces a killed process, and stops them all on SIGTERM', async () => {
    const api = await stack.startApi('api-cluster');
    const primary = api.proc.pid;
    const first = await waitUntil('two API processes', 60_000, async () => {
      const pids = childrenOf(primary);
      return pids.length === 2 ? pids : null;
    });
    // The port answers once one process listens; the other may still be starting, and killing the only listening
    // one would leave nobody to serve until its replacement is up.
    const listening = () =>
      new Set(
        api.proc
          .logLines(30)
          .filter((line) => line.msg === 'an API process is listening')
          .map((line) => line.pid),
      );
    await waitUntil('both API processes to listen', 60_000, async () => first.every((pid) => listening().has(pid)));
    const token = await adminToken(api.http);
    // Concurrent requests on separate connections: the primary hands connections to both processes in turn.
    const clients = Array.from({ length: 8 }, () => new HttpClient(api.port));
    const answers = await Promise.all(clients.map((c) => c.get('/api/me', token)));
    for (const a of answers) expectStatus(a, 'GET /api/me', 200);
    clients.forEach((c) => c.close());

    process.kill(first[0], 'SIGKILL');
    const replaced = await waitUntil('the killed process to be replaced', 30_000, async () => {
      const pids = childrenOf(primary);
      return pids.length === 2 && !pids.includes(first[0]) ? pids : null;
    });
    expect(replaced).toContain(first[1]);
    const fresh = new HttpClient(api.port);
    for (let i = 0; i < 6; i++) expectStatus(await fresh.get('/api/me', token), 'GET /api/me after the kill', 200);
    fresh.close();
    expect(stack.errorLines().map((e) => e.msg)).toEqual(['an API process died; starting another']);

    await api.proc.stop(15_000);
    expect(api.proc.exitSignal).toBeNull();
    expect(api.proc.exitCode).toBe(0);
    await sleep(200);
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);
});
