import { setResponseHeaders, type H3Event } from 'h3'

/** Answers a CSV file as a download. */
export function sendCsv(event: H3Event, file: { filename: string, csv: string }) {
  setResponseHeaders(event, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${file.filename}"`,
    'Cache-Control': 'no-store',
  })
  return file.csv
}
