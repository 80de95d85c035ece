import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatWan,
  formatYuan,
  type Lang,
} from '../lib/format';
import { en } from './en';
import { zh } from './zh';

export type MessageKey = keyof typeof zh;
export type { Lang };

const dictionaries: Record<Lang, Record<MessageKey, string>> = { zh, en };
const LANG_KEY = 'ec.lang';

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** A dictionary string with `{name}` placeholders filled from `vars`. */
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** The label of an API value (`tier.high_tech`, `state.submitted`…); the raw value when the dictionary lacks it. */
  label: (group: string, value: string | null | undefined) => string;
  date: (value: string | null | undefined) => string;
  dateTime: (value: string | null | undefined) => string;
  yuan: (value: number | null | undefined) => string;
  wan: (value: number | null | undefined) => string;
  percent: (value: number | null | undefined, digits?: number) => string;
  number: (value: number | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = localStorage.getItem(LANG_KEY);
  return stored === 'en' ? 'en' : 'zh';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t = (key: MessageKey, vars?: Record<string, string | number>) => {
      const text = dict[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : text;
    };
    const label = (group: string, value: string | null | undefined) => {
      if (value === null || value === undefined || value === '') return '—';
      const key = `${group}.${value}` as MessageKey;
      return dict[key] ?? value;
    };
    return {
      lang,
      setLang,
      t,
      label,
      date: (v) => formatDate(v, lang),
      dateTime: (v) => formatDateTime(v, lang),
      yuan: (v) => formatYuan(v, lang),
      wan: (v) => formatWan(v, lang),
      percent: formatPercent,
      number: formatNumber,
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
