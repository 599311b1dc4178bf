import { formatPrice } from '#shared/utils/format'

/**
 * Prices and dates in the visitor's language (the i18n locale, not the machine's): 2400 EUR is
 * "€24.00" in English, "24,00 €" in German, always in the product's own currency.
 */
export function useLocaleFormat() {
  const { localeProperties } = useI18n()
  const language = computed(() => localeProperties.value.language ?? 'en-GB')
  return {
    language,
    price: (priceCents: number, currency: string) => formatPrice(priceCents, currency, language.value),
  }
}
