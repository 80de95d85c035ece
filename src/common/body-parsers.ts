import type { FastifyInstance } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { DomainError } from './domain-error';

/** Deepest JSON nesting a body may have; no DTO comes close, and deeper bodies would exhaust the stack later. */
export const MAX_JSON_DEPTH = 64;

const badBody = (code: string, message: string) =>
  Object.assign(new DomainError(400, code, message), { statusCode: 400 });

/** True when brackets outside strings nest deeper than `max` (one pass over the bytes, no parsing). */
export function jsonTooDeep(body: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The only body parsers: JSON (and multipart, registered by its plugin). Other content types answer 415 instead of
 * reaching a DTO as a string (Fastify's text/plain parser is removed; Nest's urlencoded parser is not installed, see
 * `bodyParser: false` in createApp). A JSON body must be valid UTF-8 (no silent U+FFFD replacement), nest at most
 * MAX_JSON_DEPTH levels, and carry no `__proto__`/`constructor.prototype` keys (Fastify's secure parser refuses them).
 */
export function registerBodyParsers(fastify: FastifyInstance) {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(badBody('INVALID_UTF8', 'The request body is not valid UTF-8'), undefined);
    if (jsonTooDeep(bytes))
      return done(badBody('JSON_TOO_DEEP', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    parseJson(request, bytes.toString('utf8'), done);
  });
}
