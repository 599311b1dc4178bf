/** Money from minor units, in the browser's or server's locale: 2900 EUR -> "€29.00". */
export function formatPrice(priceCents: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(priceCents / 100)
}

/** A date and time for people, e.g. "Tue, 25 Nov, 18:00". */
export function formatWhen(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso))
}
