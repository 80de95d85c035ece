import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../database/db-errors';
import { DomainError } from './domain-error';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  fields?: { field: string; reason: string }[];
  requestId?: string;
  [key: string]: unknown;
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Database drivers report a lost connection with these; the client should retry rather than see a 500. */
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|the database system is (starting|shutting)|timeout exceeded when trying to connect|is not queryable/i;
/**
 * The same by code: PostgreSQL's admin/crash shutdown and "cannot connect now" (57P01-57P03) and connection
 * exceptions (class 08), and the socket errors of a server that went away.
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
/** TypeORM's errors for a transaction whose connection was lost under it (the pool already dropped the client). */
const UNAVAILABLE_NAMES = new Set(['QueryRunnerAlreadyReleasedError']);

function isUnavailable(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  const driver = (exception as { driverError?: { code?: unknown } }).driverError;
  const code = driver?.code ?? (exception as { code?: unknown }).code;
  return (
    UNAVAILABLE.test(exception.message) ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    UNAVAILABLE_NAMES.has(exception.name) ||
    UNAVAILABLE_NAMES.has(exception.constructor?.name)
  );
}

/**
 * A value the database refuses to store: PostgreSQL's class 22 (data exception: too long, invalid byte sequence such as
 * NUL, numeric or date out of range, bad text representation) and SQLite's size and type refusals. Input checks should
 * catch these first and name the field; this keeps one that slips through a 400 instead of a 500 (and logs it).
 */
function isDataException(exception: unknown): boolean {
  const driver = (exception as { driverError?: { code?: string } })?.driverError ?? (exception as { code?: string });
  const code = driver?.code;
  return (
    typeof code === 'string' && (/^22[0-9A-Z]{3}$/.test(code) || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH')
  );
}

/**
 * The one place errors become HTTP answers (DOMAIN.md section 10: `{statusCode, code, message, fields?}`).
 * Nothing internal leaks: an unexpected error answers 500 with the request id, and the detail goes to the log.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('errors');

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = this.toBody(exception);
    body.requestId = String(request?.id ?? '');
    if (body.statusCode >= 500) this.logger.error({ err: exception, requestId: body.requestId }, 'request failed');
    else if (body.code === 'INVALID_VALUE')
      this.logger.warn(
        { err: exception, requestId: body.requestId },
        'database refused a value that passed validation',
      );
    if (body.statusCode === 503) void reply.header('Retry-After', '5');
    if (body.statusCode === 429 && typeof body.retryAfterSeconds === 'number')
      void reply.header('Retry-After', String(body.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const body: ErrorBody = { statusCode: exception.status, code: exception.code, message: exception.message };
      if (exception.fields) body.fields = exception.fields;
      if (exception.details) Object.assign(body, exception.details);
      return body;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, code: HTTP_CODES[status] ?? `HTTP_${status}`, message };
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (
      typeof fastifyError?.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      const status = fastifyError.statusCode;
      return {
        statusCode: status,
        code: HTTP_CODES[status] ?? `HTTP_${status}`,
        message: fastifyError.message ?? 'Bad request',
      };
    }
    if (isUniqueViolation(exception))
      return { statusCode: 409, code: 'ALREADY_EXISTS', message: 'A record with the same key already exists' };
    if (isDataException(exception))
      return {
        statusCode: 400,
        code: 'INVALID_VALUE',
        message: 'A value is too long, out of range or not valid text',
      };
    if (isUnavailable(exception))
      return {
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'A backing service is unavailable; retry shortly',
      };
    return { statusCode: 500, code: 'INTERNAL', message: 'Internal error' };
  }
}
