import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|the database system is (starting|shutting)/i;

/** PostgreSQL 23505 or SQLite's UNIQUE/PRIMARY KEY constraint: a race two writers lost, answered as a clash. */
function isUniqueViolation(exception: unknown): boolean {
  const driver = (exception as { driverError?: { code?: string } })?.driverError ?? (exception as { code?: string });
  return (
    driver?.code === '23505' ||
    driver?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    driver?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
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
    if (exception instanceof Error && UNAVAILABLE.test(exception.message))
      return {
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'A backing service is unavailable; retry shortly',
      };
    return { statusCode: 500, code: 'INTERNAL', message: 'Internal error' };
  }
}
