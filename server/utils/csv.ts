import { titleSlug } from './slug'

/**
 * One CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. A `;` is
 * quoted too: spreadsheets set to a European locale split on it.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Rows as CSV text (CRLF, as spreadsheets expect), the header first. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return `${[header, ...rows].map(row => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}

/** A file name from a show's title: `summer-glow-chat.csv`. */
export function csvName(title: string, what: string) {
  return `${titleSlug(title)}-${what}.csv`
}
