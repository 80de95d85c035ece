import { ValidationPipe } from '@nestjs/common';
import { validationFailed } from './domain-error';
import { validationErrorsToFields } from './field-errors';

/**
 * Every body, query and path DTO goes through this: unknown fields are rejected (not silently dropped), and every bad
 * field is named with its reason, so bad input never reaches the database.
 */
export function createValidationPipe() {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(validationErrorsToFields(errors)),
  });
}
