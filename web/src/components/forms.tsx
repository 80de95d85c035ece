import { Alert, type FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { errorText } from './PageState';

/** `financials.1.revenue` → `['financials', 1, 'revenue']`, the name path antd forms use. */
export function fieldPath(field: string): (string | number)[] {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts each `{field, reason}` of a 400 next to its input. `prefix` maps the API's field names into a nested form
 * (e.g. the event dialog's fields are top level). Returns true when the error had field errors.
 */
export function applyApiError(form: FormInstance, error: unknown, prefix: (string | number)[] = []): boolean {
  if (!(error instanceof ApiError) || !error.fields.length) return false;
  const byField = new Map<string, string[]>();
  for (const f of error.fields) byField.set(f.field, [...(byField.get(f.field) ?? []), f.reason]);
  form.setFields([...byField].map(([field, errors]) => ({ name: [...prefix, ...fieldPath(field)], errors })));
  return true;
}

/** The whole error above a form's buttons, so an error on a field the form does not show is still seen. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      message={apiError?.fields.length ? t('error.fieldsRejected') : t('error.actionFailed')}
      description={errorText(error, t)}
      data-testid="form-error"
    />
  );
}
