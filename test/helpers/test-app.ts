import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import { createApp, CreateAppOptions } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { OutboxRelay } from '../../src/outbox/outbox-relay.service';

/**
 * Boots the real application in-process, through the real migrations: on `sqlite::memory:` by default, or on
 * PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set (CI runs the suite both ways).
 * On PostgreSQL each test file starts from an empty schema; on Redis from an empty queue prefix.
 */
export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: Http;
  close(): Promise<void>;
  /** Waits until every outbox row written so far has been processed (side effects done). */
  drainOutbox(timeoutMs?: number): Promise<void>;
  adminToken: string;
}

export const ADMIN_PASSWORD = 'test-admin-password';

export const backend = () => (process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite');

async function resetPostgres(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA IF EXISTS public CASCADE');
  await client.query('CREATE SCHEMA public');
  await client.end();
}

export async function bootTestApp(
  env: Record<string, string> = {},
  extraModules: Type[] = [],
  options: CreateAppOptions = {},
): Promise<TestApp> {
  const merged: NodeJS.ProcessEnv = {
    DATABASE_URL: process.env.DATABASE_URL || 'sqlite::memory:',
    REDIS_URL: process.env.REDIS_URL || '',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent',
    OUTBOX_POLL_MS: '50',
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    UPLOAD_DIR: `/tmp/cultivation-test-uploads/${randomUUID()}`,
    ...env,
  };
  const config = loadConfig(merged, 'all');
  if (config.database.kind === 'postgres') await resetPostgres(config.database.url);
  const app = await createApp(config, extraModules, options);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = new Http(app);
  const login = await http.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  if (login.statusCode !== 200) throw new Error(`admin login failed: ${login.body}`);
  const relay = app.get(OutboxRelay);
  return {
    app,
    config,
    http,
    adminToken: login.json().accessToken,
    close: async () => {
      await app.close();
      if (config.redisUrl) await flushPrefix(config.redisUrl, merged.QUEUE_PREFIX!);
    },
    drainOutbox: async (timeoutMs = 15000) => {
      const deadline = Date.now() + timeoutMs;
      while ((await relay.pendingCount()) > 0) {
        if (Date.now() > deadline) throw new Error('outbox did not drain');
        relay.nudge();
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

async function flushPrefix(url: string, prefix: string) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } catch {
    /* Redis may be stopped on purpose by a test. */
  } finally {
    redis.disconnect();
  }
}

export interface Reply {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json(): any;
}

/** Thin wrapper over Fastify's inject: real routing, pipes, guards and filters, no sockets. */
export class Http {
  constructor(private readonly app: NestFastifyApplication) {}

  request(
    method: string,
    url: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    return this.app.inject({
      method: method as never,
      url,
      payload:
        body === undefined
          ? undefined
          : typeof body === 'string' || Buffer.isBuffer(body)
            ? body
            : JSON.stringify(body),
      headers: {
        ...(body !== undefined && !headers['content-type'] ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    }) as unknown as Promise<Reply>;
  }
  get(url: string, token?: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, token, headers);
  }
  post(url: string, body?: unknown, token?: string, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, token, headers);
  }
  put(url: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request('PUT', url, body, token, headers);
  }
  patch(url: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request('PATCH', url, body, token, headers);
  }
  delete(url: string, token?: string) {
    return this.request('DELETE', url, undefined, token);
  }
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/** Creates a user through the API and signs it in. */
export async function userWithToken(
  t: TestApp,
  role: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string; username: string }> {
  const username = unique(role);
  const password = 'password-' + username;
  const created = await t.http.post('/api/users', { username, password, role, ...extra }, t.adminToken);
  if (created.statusCode !== 201) throw new Error(`create ${role} failed: ${created.body}`);
  const login = await t.http.post('/api/auth/login', { username, password });
  return { id: created.json().id, token: login.json().accessToken, username };
}
