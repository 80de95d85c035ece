/**
 * Helpers of the browser tests: the real server (built API + built console) on a free port with SQLite in memory, a
 * small API client for setting up data, and a headless Debian Chromium driven by playwright-core.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const screenshotDir = join(here, 'screenshots');
export const ADMIN_PASSWORD = 'Admin-pass-2026!';
export const PASSWORD = 'Console-test-2026!';

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Starts `node dist/src/main.js` (built by `npm run build`) and waits for /health. */
export async function startServer() {
  const port = await freePort();
  const uploads = mkdtempSync(join(tmpdir(), 'ec-web-uploads-'));
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: 'sqlite::memory:',
      REDIS_URL: '',
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      JWT_SECRET: 'browser-tests-secret-browser-tests-secret',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      UPLOAD_DIR: uploads,
      OUTBOX_POLL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/** A tiny API client: `as(token)` returns get/post/put helpers that throw on non-2xx with the body. */
export function apiClient(base) {
  const call = async (token, method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return data;
  };
  return {
    login: async (username, password) => (await call(null, 'POST', '/api/auth/login', { username, password })).accessToken,
    as: (token) => ({
      get: (path) => call(token, 'GET', path),
      post: (path, body) => call(token, 'POST', path, body ?? {}),
      put: (path, body) => call(token, 'PUT', path, body),
    }),
  };
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A valid USCC (GB 32100-2015 check character) with a random organisation code. */
export function uscc(seed = Math.floor(Math.random() * 1e9)) {
  let body = '91350100';
  let x = seed;
  for (let i = 0; i < 9; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    body += USCC_ALPHABET[x % 31];
  }
  const sum = [...body].reduce((acc, c, i) => acc + USCC_ALPHABET.indexOf(c) * USCC_WEIGHTS[i], 0);
  return body + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Headless Debian Chromium (no browser download). playwright-core gives every launch a fresh temporary profile of its
 * own (it refuses a `--user-data-dir` argument), so each run starts clean.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/**
 * A page for one person with every uncaught error and console error collected. Failed API answers the page handles
 * (a 404 it shows as a designed state) appear in the console as "Failed to load resource": those are kept apart.
 */
export async function newPage(browser, base, problems) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror on ${page.url()}: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    problems.push(`console error on ${page.url()}: ${text}`);
  });
  return { context, page };
}

export async function signIn(page, username, password = PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-user').waitFor();
}

export async function shot(page, name) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
