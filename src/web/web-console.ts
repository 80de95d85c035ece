import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** Paths that belong to the API process itself; the console never answers for them. */
const RESERVED = [/^\/api(\/|$)/, /^\/docs/, /^\/health(\/|$)/];

/**
 * Where `npm --prefix web run build` writes the console: `web/dist` at the repository root, found from this file both
 * when compiled (`dist/src/web`) and when run from source (`src/web`, in tests). `WEB_DIST_DIR` overrides it.
 */
export function webDistDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.WEB_DIST_DIR
    ? [resolve(env.WEB_DIST_DIR)]
    : [
        resolve(__dirname, '../../../web/dist'),
        resolve(__dirname, '../../web/dist'),
        resolve(process.cwd(), 'web/dist'),
      ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the web console's production build at `/`: its files as static routes (`wildcard: false`, one route per file
 * at start), and `index.html` for any other GET that is not the API, the docs or /health, so the browser's own routes
 * (`/queue`, `/applications/…`) load the app. Without a build it logs one line and serves nothing: the API works alone.
 */
export async function registerWebConsole(app: NestFastifyApplication): Promise<boolean> {
  const root = webDistDir();
  const fastify = app.getHttpAdapter().getInstance();
  if (!root) {
    fastify.log.info('web console not built (web/dist missing): run `npm --prefix web run build` to serve it at /');
    return false;
  }
  const indexHtml = readFileSync(join(root, 'index.html'));
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    dotfiles: 'ignore',
    cacheControl: false,
    // Built assets carry a content hash in their names; everything else is revalidated.
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  fastify.get('/', (_request, reply) => sendIndex(reply));
  fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0];
    // A reserved path or a missing file (anything with an extension) is a plain 404, in the API's error shape.
    if (RESERVED.some((re) => re.test(path)) || extname(path))
      return reply.status(404).send({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: `Cannot GET ${path}`,
        requestId: String(request.id ?? ''),
      });
    return sendIndex(reply);
  });
  return true;
}
