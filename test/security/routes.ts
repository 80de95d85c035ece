import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OWNED_BY_KEY, OwnedBySpec, PUBLIC_KEY, ROLES_KEY } from '../../src/auth/auth.decorators';

/** One HTTP route as Nest declares it: where it is, who may call it, and what it owns. */
export interface RouteInfo {
  method: string;
  /** Fastify's spelling: `/api/enterprises/:id`. */
  path: string;
  /** `METHOD path`, the key every table in these tests uses. */
  key: string;
  controller: string;
  handler: string;
  roles: string[];
  isPublic: boolean;
  ownedBy?: OwnedBySpec;
  params: string[];
}

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
export const isWrite = (route: { method: string }) => WRITE_METHODS.includes(route.method);

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);

function joinPath(...parts: string[]): string {
  const joined =
    '/' +
    parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/');
  return joined.replace(/\/+/g, '/');
}

/**
 * Every route of every controller, read from the metadata Nest registers routes from (path and method of each handler
 * under its controller's path), so a route added tomorrow is in the list without anyone editing a test.
 */
export function enumerateRoutes(app: NestFastifyApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    if (!wrapper.instance || !wrapper.metatype) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance);
    const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, wrapper.metatype));
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler);
      if (methodPath === undefined || requestMethod === undefined) continue;
      const targets = [handler, wrapper.metatype as never];
      const roles = reflector.getAllAndOverride<string[]>(ROLES_KEY, targets) ?? [];
      const isPublic = !!reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
      const ownedBy = reflector.getAllAndOverride<OwnedBySpec>(OWNED_BY_KEY, targets);
      for (const controllerPath of controllerPaths)
        for (const sub of asList(methodPath)) {
          const path = joinPath(controllerPath, sub);
          const method = RequestMethod[requestMethod as number];
          routes.push({
            method,
            path,
            key: `${method} ${path}`,
            controller: String(wrapper.name),
            handler: name,
            roles,
            isPublic,
            ownedBy,
            params: [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]),
          });
        }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The routes Fastify actually serves, parsed from its own route tree (`printRoutes`), without the HEAD twins of GET
 * routes. Each parsed route is confirmed with `hasRoute`, so a parsing slip cannot hide a route.
 */
export function fastifyRoutes(app: NestFastifyApplication): { method: string; path: string }[] {
  const fastify = app.getHttpAdapter().getInstance();
  const tree = fastify.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const found: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    stack.length = depth;
    const path = (depth ? stack[depth - 1] : '') + match[2];
    stack[depth] = path;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()))
      if (method && method !== 'HEAD') found.push({ method, path });
  }
  for (const route of found)
    if (!fastify.hasRoute({ method: route.method as never, url: route.path }))
      throw new Error(`parsed route ${route.method} ${route.path} is not in Fastify's table`);
  return found;
}

/** Swagger UI and its assets: served by the docs plugin, not by a controller. */
export const isDocsRoute = (path: string) => path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');

/** Fills a route's path with values per parameter name. */
export function fillPath(path: string, values: Record<string, string>, encode = true): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
    encode ? encodeURIComponent(values[name]) : values[name],
  );
}
