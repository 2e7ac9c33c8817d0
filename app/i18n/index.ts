import { en } from "./en";
import { zhCN, type MessageKey } from "./zh-CN";

export type Locale = "zh-CN" | "en";
export type { MessageKey };
export const defaultLocale: Locale = "zh-CN";

const catalogs: Record<Locale, Partial<Record<MessageKey, string>>> = { "zh-CN": zhCN, en };

/** Looks a message up in the locale, falling back to English, then to the key itself. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogs[locale][key] ?? en[key] ?? key;
  return params ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : template;
}

export function useT(locale: Locale = defaultLocale) {
  return (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
}
