import { ValidateIf } from 'class-validator';

/**
 * A property that may be left out but, when given, must pass its validators, so an explicit `null` is refused with
 * the field's own reason. `@IsOptional()` lets `null` through as well, which for a NOT NULL column is a 500 at the
 * database and for a rule's number a silent 0.
 */
export function OptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
