// The languages customers' pages and mails speak. To add one: an entry here and its messages in
// i18n/locales/<code>.json (the same keys as en.json; a missing key falls back to English).
export const LOCALES = [
  { code: 'en', language: 'en-GB', name: 'English' },
  { code: 'de', language: 'de-DE', name: 'Deutsch' },
  { code: 'fr', language: 'fr-FR', name: 'Français' },
] as const

export type LocaleCode = typeof LOCALES[number]['code']

export const DEFAULT_LOCALE: LocaleCode = 'en'

/** The cookie that keeps a visitor's choice of language (@nuxtjs/i18n's, named in nuxt.config.ts). */
export const LOCALE_COOKIE = 'wrencos_locale'

/** A locale code we speak, from a visitor's choice or an Accept-Language header; English otherwise. */
export function pickLocale(wanted: string | undefined | null): LocaleCode {
  const ranked = (wanted ?? '').split(',')
    .map((part) => {
      const [tag, ...params] = part.split(';').map(piece => piece.trim())
      const q = Number(params.find(param => param.startsWith('q='))?.slice(2) ?? 1)
      return { code: (tag ?? '').slice(0, 2).toLowerCase(), q: Number.isFinite(q) ? q : 0 }
    })
    .filter(entry => entry.q > 0)
    .sort((a, b) => b.q - a.q)
  return ranked.map(entry => LOCALES.find(locale => locale.code === entry.code)?.code).find(Boolean) ?? DEFAULT_LOCALE
}
