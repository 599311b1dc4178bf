// What search engines and calendars read of the shows (PROTOCOL.md, "Sharing, search and
// reminders"): the sitemap of the pages worth finding, and a show's calendar entry. Absolute URLs
// start with the site's public origin (NUXT_PUBLIC_SITE_URL), given by the caller.
import type { Core } from './core'
import { DomainError } from './errors'
import { allLivestreams, findLivestream } from './livestreams'
import { escapeMarkup } from '../utils/escape-markup'
import { titleSlug } from '../utils/slug'

/** At most this many shows of each kind in the sitemap (the protocol's limit for one file is 50,000 URLs). */
const SITEMAP_SHOWS = 5000
/** A calendar entry without an end lasts this long. */
const DEFAULT_LENGTH_MS = 60 * 60_000

/** sitemap.xml: the home page, and the pages of shows that are live, scheduled, or have a replay. */
export async function sitemap(core: Core, origin: string): Promise<string> {
  const [live, scheduled, ended] = await Promise.all([allLivestreams(core, 'live', SITEMAP_SHOWS), allLivestreams(core, 'scheduled', SITEMAP_SHOWS), allLivestreams(core, 'ended', SITEMAP_SHOWS)])
  const pages = [...live, ...scheduled, ...ended.filter(show => show.videoUrl)]
  const urls = [
    `<url><loc>${escapeMarkup(origin)}/</loc></url>`,
    ...pages.map(show => `<url><loc>${escapeMarkup(`${origin}/live/${show.id}`)}</loc><lastmod>${show.endTime ?? show.startTime ?? show.createdAt}</lastmod></url>`),
  ]
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`
}

/** robots.txt: the shows are for everyone; the studio, the moderators' page and the API are not for crawlers. */
export function robots(origin: string): string {
  return ['User-agent: *', 'Disallow: /studio', 'Disallow: /moderate', 'Disallow: /api', 'Disallow: /embed', 'Disallow: /reminders', 'Disallow: /account', `Sitemap: ${origin}/sitemap.xml`, ''].join('\n')
}

/** A TEXT value of RFC 5545: backslash, semicolon, comma and newlines escaped. */
const icsText = (text: string) => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n')
/** A UTC DATE-TIME of RFC 5545: 20261205T180000Z. */
const icsTime = (iso: string | number) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/** Lines of at most 75 octets, continued with a space (RFC 5545 3.1). */
function folded(line: string): string {
  const bytes = Buffer.from(line, 'utf8')
  if (bytes.length <= 75) return line
  const parts: string[] = []
  let start = 0
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + (parts.length ? 74 : 75))
    // Never cut inside a UTF-8 character.
    while (end < bytes.length && (bytes[end]! & 0xC0) === 0x80) end--
    parts.push(bytes.subarray(start, end).toString('utf8'))
    start = end
  }
  return parts.join('\r\n ')
}

/** A show's calendar entry (text/calendar): one VEVENT, its UID the same on every call. */
export async function calendarEntry(core: Core, id: string, origin: string): Promise<{ ics: string, filename: string }> {
  const show = await findLivestream(core, id)
  if (show.status === 'ended') throw new DomainError('not_found', 'this show has ended: watch its replay instead')
  const start = show.startTime ?? show.scheduledAt ?? show.createdAt
  const url = `${origin}/live/${show.id}`
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//WrenCos Live//Shows//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${show.id}@${new URL(origin).host}`,
    `DTSTAMP:${icsTime(show.createdAt)}`,
    `DTSTART:${icsTime(start)}`,
    `DTEND:${icsTime(Date.parse(start) + DEFAULT_LENGTH_MS)}`,
    `SUMMARY:${icsText(show.title)}`,
    `DESCRIPTION:${icsText(`${show.description ? `${show.description}\n\n` : ''}Watch and shop live: ${url}`)}`,
    `URL:${url}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return { ics: `${lines.map(folded).join('\r\n')}\r\n`, filename: `${titleSlug(show.title)}.ics` }
}
