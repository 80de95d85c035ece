import type { FieldError } from './field-errors';

/**
 * An error the domain names with a stable code (a published contract: clients branch on `code`, never on `message`).
 * The HTTP status lives beside the code so one global filter maps every error the same way.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const validationFailed = (fields: FieldError[], message = 'Request validation failed') =>
  new DomainError(400, 'VALIDATION_FAILED', message, fields);

export const notFound = (what: string, id?: string) =>
  new DomainError(404, 'NOT_FOUND', id ? `${what} ${id} was not found` : `${what} was not found`);

export const forbidden = (code: string, message: string) => new DomainError(403, code, message);

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(409, code, message, undefined, details);
