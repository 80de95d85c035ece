import type { ValidationError } from 'class-validator';

/** One rejected input field, as every 400 answer lists them (DOMAIN.md section 10). */
export interface FieldError {
  field: string;
  reason: string;
}

/**
 * Flattens class-validator's nested errors into `{field, reason}` pairs with dotted paths
 * (`financials.1.revenue`), one pair per failed constraint, so a client can point at the exact input.
 */
export function validationErrorsToFields(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const reason of Object.values(error.constraints ?? {})) out.push({ field, reason });
    if (error.children?.length) out.push(...validationErrorsToFields(error.children, field));
  }
  return out;
}
