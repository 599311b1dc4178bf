// What a link to a show unfurls into and what search engines read of it (PROTOCOL.md, "Sharing,
// search and reminders"): the og:/twitter: fields and one schema.org VideoObject, with its
// BroadcastEvent while scheduled or live (and its end once ended), and for a replay the recording,
// its length and one Clip per product chapter. Every URL is absolute, from the site's public origin.
import type { Livestream, PinPeriod, ShareCard } from '#shared/types/models'
import { showSecondsAt } from '#shared/utils/replay-time'
import type { Core } from './core'
import { listPinPeriods } from './livestreams'

/** The card shown for a show with neither a thumbnail nor a product image (public/share-card.jpg, 1200 x 630). */
export const DEFAULT_CARD = '/share-card.jpg'

interface Chapter { name: string, from: number, to: number }

/** A site path (or a full URL) as an absolute URL of the site's public origin. */
export const absolute = (origin: string, url: string) => new URL(url, `${origin}/`).href

/** ISO 8601 duration of whole seconds: 3725 -> PT1H2M5S. */
export function isoDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`
}

/** The product chapters of a replay in seconds of the recording, as the replay page shows them. */
function chaptersOf(show: Livestream, periods: PinPeriod[], length: number): Chapter[] {
  const secondsAt = (at: string) => Math.min(length, showSecondsAt(show, at))
  return periods
    .map(period => ({ name: period.product.name, from: Math.floor(secondsAt(period.pinnedAt)), to: Math.ceil(period.unpinnedAt ? secondsAt(period.unpinnedAt) : length) }))
    .filter(chapter => chapter.to > chapter.from)
    .sort((a, b) => a.from - b.from)
}

/** A show's share card and structured data; the caller has found the show (an unknown id is its 404). */
export async function shareCard(core: Core, show: Livestream, origin: string): Promise<ShareCard> {
  const url = `${origin}/live/${show.id}`
  const periods = show.status === 'ended' ? await listPinPeriods(core, show.id) : []
  const firstProduct = [...show.pinnedProducts, ...periods.map(period => period.product)].find(product => product.imageUrl)
  const image = absolute(origin, show.thumbnailUrl ?? firstProduct?.imageUrl ?? DEFAULT_CARD)
  const description = show.description.trim() || `Watch ${show.title} and shop it live on WrenCos Live.`
  const jsonLd: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'VideoObject',
    'name': show.title,
    description,
    'thumbnailUrl': [image],
    'uploadDate': show.startTime ?? show.scheduledAt ?? show.createdAt,
    'url': url,
    'embedUrl': `${origin}/embed/${show.id}`,
    'publication': {
      '@type': 'BroadcastEvent',
      'isLiveBroadcast': true,
      'startDate': show.startTime ?? show.scheduledAt ?? show.createdAt,
      ...(show.endTime ? { endDate: show.endTime } : {}),
    },
  }
  if (show.status === 'ended' && show.videoUrl) {
    const lastRun = show.replayRuns?.at(-1)
    const length = lastRun ? lastRun.replaySeconds + lastRun.lengthSeconds : show.durationSeconds ?? 0
    Object.assign(jsonLd, {
      contentUrl: absolute(origin, show.videoUrl),
      duration: isoDuration(length),
      hasPart: chaptersOf(show, periods, length).map(chapter => ({
        '@type': 'Clip',
        'name': chapter.name,
        'startOffset': chapter.from,
        'endOffset': chapter.to,
        'url': `${url}?t=${chapter.from}`,
      })),
    })
  }
  return { title: show.title, description, url, image, jsonLd, reminders: !!core.mail.transport }
}
