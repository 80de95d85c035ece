import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidationError, ValidationTypes, ValidatorOptions } from 'class-validator';
import { validationFailed } from './domain-error';
import { FieldError, validationErrorsToFields } from './field-errors';

/** NUL, and UTF-16 halves without their other half: no text column stores them (PostgreSQL refuses NUL outright). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (value or key) in a request part that no database column can hold, with its dotted path. */
export function unstorableString(value: unknown, path: string, depth = 0): FieldError | null {
  if (typeof value === 'string')
    return UNSTORABLE.test(value)
      ? { field: path || 'value', reason: `${path || 'value'} must not contain NUL or unpaired surrogate characters` }
      : null;
  if (!value || typeof value !== 'object' || depth > 100) return null;
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return { field, reason: 'property names must not contain NUL or unpaired surrogates' };
    const found = unstorableString((value as Record<string, unknown>)[key], field, depth + 1);
    if (found) return found;
  }
  return null;
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
const nestedByClass = new WeakMap<object, ValidationMetadata[]>();

/** A DTO class's `@ValidateNested` metadata, looked up once per class (every request body goes through here). */
function nestedMetadatas(target: object): ValidationMetadata[] {
  let found = nestedByClass.get(target);
  if (!found) {
    found = getMetadataStorage()
      .getTargetValidationMetadatas(target as new () => object, '', true, false)
      .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION);
    nestedByClass.set(target, found);
  }
  return found;
}

/**
 * class-validator validates `@ValidateNested` arrays element by element, and an element that is itself an array is
 * walked the same way, so `[{…}, [{…}]]` passes and the service gets an array where it expects an object (a 500 at
 * best). Likewise an array given for a single nested object. This finds those places, as validation errors.
 */
function nestedShapeErrors(object: object, depth = 0): ValidationError[] {
  if (depth > 32 || !object || typeof object !== 'object' || Array.isArray(object)) return [];
  const errors: ValidationError[] = [];
  const metadatas = nestedMetadatas(object.constructor);
  for (const property of new Set(metadatas.map((m) => m.propertyName))) {
    const value = (object as Record<string, unknown>)[property];
    if (value == null || typeof value !== 'object') continue;
    const declaredArray =
      metadatas.some((m) => m.propertyName === property && m.each) ||
      Reflect.getMetadata('design:type', Object.getPrototypeOf(object), property) === Array;
    const error: ValidationError = { property, children: [] } as ValidationError;
    if (Array.isArray(value) && !declaredArray) error.constraints = { nestedObject: `${property} must be an object` };
    else if (Array.isArray(value))
      value.forEach((item, index) => {
        if (Array.isArray(item))
          error.children!.push({
            property: String(index),
            constraints: { nestedObject: `${property}.${index} must be an object, not an array` },
            children: [],
          } as ValidationError);
        else {
          const children = nestedShapeErrors(item as object, depth + 1);
          if (children.length) error.children!.push({ property: String(index), children } as ValidationError);
        }
      });
    else error.children = nestedShapeErrors(value, depth + 1);
    if (error.constraints || error.children!.length) errors.push(error);
  }
  return errors;
}

/**
 * Every body, query and path DTO goes through this: unknown fields are rejected (not silently dropped), and every bad
 * field is named with its reason, so bad input never reaches the database. On top of class-validator: strings no
 * database can store are refused, and nested DTOs must really be objects.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const bad = unstorableString(value, metadata.data ?? '');
      if (bad) throw validationFailed([bad]);
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const errors = await super.validate(object, validatorOptions);
    return errors.length ? errors : nestedShapeErrors(object);
  }
}

export function createValidationPipe() {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(validationErrorsToFields(errors)),
  });
}
