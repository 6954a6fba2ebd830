import { en, ko, type MessageKey } from './messages';

export type Lang = 'ko' | 'en';
export const LANGS: readonly Lang[] = ['ko', 'en'];
/** The name of each language in itself, so a reader of either can find their own. */
export const LANG_NAMES: Record<Lang, string> = { ko: '한국어', en: 'English' };

const STORAGE_KEY = 'aira.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ko, en };

export interface I18n {
  readonly lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  formatDate(value: string | number): string;
  formatSigned(value: number): string;
  formatNumber(value: number): string;
}

export interface I18nDeps {
  /** localStorage; reads and writes may throw (storage disabled), which only costs remembering. */
  storage: Storage;
  onChange: (lang: Lang) => void;
}

export function createI18n(deps: I18nDeps): I18n {
  let lang: Lang = readStoredLang(deps.storage) ?? 'ko';
  return {
    get lang() {
      return lang;
    },
    setLang(next) {
      if (next === lang) return;
      lang = next;
      try {
        deps.storage.setItem(STORAGE_KEY, next);
      } catch {}
      deps.onChange(next);
    },
    t(key, vars) {
      const template = dictionaries[lang][key];
      return vars ? format(template, vars) : template;
    },
    formatDate(value) {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) return String(value);
      return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
    },
    formatNumber(value) {
      return new Intl.NumberFormat(lang).format(value);
    },
    formatSigned(value) {
      return new Intl.NumberFormat(lang, {
        signDisplay: 'exceptZero',
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }).format(value);
    },
  };
}

/** Fills `{name}` placeholders; one without a value stays as it is, so a gap is visible. */
export function format(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

function readStoredLang(storage: Storage): Lang | null {
  try {
    const stored = storage.getItem(STORAGE_KEY);
    return LANGS.find((lang) => lang === stored) ?? null;
  } catch {
    return null;
  }
}
