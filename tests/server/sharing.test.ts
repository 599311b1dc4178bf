// What crawlers and calendars read (PROTOCOL.md, "Sharing, search and reminders"): robots.txt,
// sitemap.xml and a show's calendar.ics, with absolute URLs from NUXT_PUBLIC_SITE_URL.
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createStream, liveStream } from '../support/api'

const origin = () => baseURL()

/** An ICS file's lines, unfolded (RFC 5545 3.1), as name -> value of the VEVENT. */
function eventOf(ics: string) {
  const lines = ics.replace(/\r\n /g, '').split('\r\n').filter(Boolean)
  expect(lines[0]).toBe('BEGIN:VCALENDAR')
  expect(lines.at(-1)).toBe('END:VCALENDAR')
  const begin = lines.indexOf('BEGIN:VEVENT')
  const end = lines.indexOf('END:VEVENT')
  expect(begin).toBeGreaterThan(0)
  return Object.fromEntries(lines.slice(begin + 1, end).map(line => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]))
}

describe('sharing and search', () => {
  it('robots.txt keeps the studio, the moderators\' page and the API out, and points at the sitemap', async () => {
    const response = await fetch(`${origin()}/robots.txt`)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const text = await response.text()
    for (const path of ['/studio', '/moderate', '/api']) expect(text).toContain(`Disallow: ${path}\n`)
    expect(text).toContain(`Sitemap: ${origin()}/sitemap.xml`)
  })

  it('sitemap.xml lists the pages of live and scheduled shows and of replays, not of ended shows without one', async () => {
    const scheduled = await createStream({ title: `Sitemap later ${Date.now()}`, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })
    const live = await liveStream()
    const ended = await liveStream()
    await api(`/api/livestreams/${ended.id}/stop`, { method: 'POST', token: adminToken() })
    const response = await fetch(`${origin()}/sitemap.xml`)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const xml = await response.text()
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')).toBe(true)
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map(match => match[1])
    expect(locs).toContain(`${origin()}/live/${scheduled.id}`)
    expect(locs).toContain(`${origin()}/live/${live.id}`)
    expect(locs).not.toContain(`${origin()}/live/${ended.id}`)
    expect(locs[0]).toBe(`${origin()}/`)
  })

  it('calendar.ics is one VEVENT with its start in UTC, a UID that stays the same, and the title escaped, not injected', async () => {
    const at = '2030-06-01T18:30:00.000Z'
    const title = 'Glow "night", part 2; <b>live</b>\\ with Ana'
    const show = await createStream({ title, description: 'Shades, tips\nand a deal', scheduledAt: at })
    const first = await fetch(`${origin()}/live/${show.id}/calendar.ics`)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="glow-night-part-2-b-live-b-with-ana\.ics"$/)
    const event = eventOf(await first.text())
    expect(event.DTSTART).toBe('20300601T183000Z')
    expect(event.DTEND).toBe('20300601T193000Z')
    expect(event.SUMMARY).toBe('Glow "night"\\, part 2\\; <b>live</b>\\\\ with Ana')
    expect(event.DESCRIPTION).toBe(`Shades\\, tips\\nand a deal\\n\\nWatch and shop live: ${origin()}/live/${show.id}`)
    expect(event.URL).toBe(`${origin()}/live/${show.id}`)
    expect(event.UID).toBe(`${show.id}@${new URL(origin()).host}`)
    expect(event.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/)
    const second = eventOf(await (await fetch(`${origin()}/live/${show.id}/calendar.ics`)).text())
    expect(second.UID).toBe(event.UID)
    expect(second.DTSTAMP).toBe(event.DTSTAMP)
    // Every line within 75 octets.
    for (const line of (await (await fetch(`${origin()}/live/${show.id}/calendar.ics`)).text()).split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)

    expect((await fetch(`${origin()}/live/ffffffffffffffffffffffff/calendar.ics`)).status).toBe(404)
    const ended = await liveStream()
    await api(`/api/livestreams/${ended.id}/stop`, { method: 'POST', token: adminToken() })
    expect((await fetch(`${origin()}/live/${ended.id}/calendar.ics`)).status).toBe(404)
    // The show's own page is still the page.
    const page = await fetch(`${origin()}/live/${show.id}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  })
})
