/** Money from minor units, in the browser's or server's locale: 2900 EUR -> "€29.00". */
export function formatPrice(priceCents: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(priceCents / 100)
}
