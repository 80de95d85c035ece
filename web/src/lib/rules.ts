import type { Rule } from 'antd/es/form';
import type { I18n } from '../i18n';

/** Client-side checks that mirror the API's DTOs, so a form is valid before it is sent. */
export function required(i18n: I18n): Rule {
  return { required: true, message: i18n.t('validation.required') };
}

export function wholeNumber(i18n: I18n, min = 0, max?: number): Rule {
  return {
    validator: async (_, value: unknown) => {
      if (value === null || value === undefined || value === '') return;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(i18n.t('validation.integer'));
      if (value < min) throw new Error(i18n.t('validation.min', { min }));
      if (max !== undefined && value > max) throw new Error(i18n.t('validation.max', { max }));
    },
  };
}

/** This value is at most the value of the sibling field `other` (techStaff ≤ employees). */
export function notAbove(i18n: I18n, other: (string | number)[], otherLabel: string): Rule {
  return ({ getFieldValue }) => ({
    validator: async (_, value: unknown) => {
      const limit = getFieldValue(other);
      if (typeof value === 'number' && typeof limit === 'number' && value > limit)
        throw new Error(i18n.t('validation.notAbove', { other: otherLabel }));
    },
  });
}

export function lengthBetween(i18n: I18n, min: number, max: number): Rule {
  return {
    validator: async (_, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      const n = String(value).trim().length;
      if (n < min || n > max) throw new Error(i18n.t('validation.length', { min, max }));
    },
  };
}

/** GB 32100-2015 check character of a USCC (统一社会信用代码), as the API checks it. */
export function usccProblem(code: string): string | null {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return 'shape';
  const sum = weights.reduce((acc, w, i) => acc + chars.indexOf(code[i]) * w, 0);
  const check = chars[(31 - (sum % 31)) % 31];
  return check === code[17] ? null : 'check';
}

export function uscc(i18n: I18n): Rule {
  return {
    validator: async (_, value: unknown) => {
      if (!value) return;
      const problem = usccProblem(String(value).toUpperCase());
      if (problem) throw new Error(i18n.t(problem === 'shape' ? 'validation.usccShape' : 'validation.usccCheck'));
    },
  };
}
