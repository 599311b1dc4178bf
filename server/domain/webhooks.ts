// Webhooks: signed, at-least-once deliveries of what happened to the brand's own systems
// (PROTOCOL.md, "Webhooks"). Each event goes into the store's outbox, one row per receiver (an
// order's in the same atomic step as the order), and a sender in each process takes due rows
// under a lease, posts them, and on failure tries again with backoff for 24 hours. A restart, even
// a kill -9, loses nothing: the rows are on disk and their leases run out.
import { createHmac } from 'node:crypto'
import type { DeliveryRecord, NewDelivery } from '../db'
import { newId } from '../db/ids'
import type { Core } from './core'
import { notFound } from './errors'

export type WebhookType = 'order.created' | 'livestream.started' | 'livestream.ended' | 'deal.ended'

export interface WebhookConfig {
  urls: string[]
  secret: string
  /** The first retry's wait; each later one waits three times longer, at most an hour. */
  backoffMs: number
}

export const NO_WEBHOOKS: WebhookConfig = { urls: [], secret: '', backoffMs: 10_000 }
/** How long a delivery is tried before it is given up. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000
/** A receiver that has not answered in this long has failed this attempt. */
export const ANSWER_WITHIN_MS = 10_000
const MAX_BACKOFF_MS = 3600_000

/** `X-WrenCos-Signature`: the time and an HMAC-SHA256 of "<time>.<body>", so a receiver can check both. */
export function signature(secret: string, body: string, unixSeconds: number) {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`
}

/** The outbox rows of one event, one per receiver; none when no receiver is configured. */
export function webhookDeliveries(core: Pick<Core, 'webhooks' | 'clock'>, type: WebhookType, data: unknown): NewDelivery[] {
  if (!core.webhooks.urls.length) return []
  const createdAt = new Date(core.clock.now()).toISOString()
  const eventId = newId(core.clock.now())
  const body = JSON.stringify({ id: eventId, type, createdAt, data })
  return core.webhooks.urls.map(url => ({ eventId, type, url, body, createdAt }))
}

/** Puts an event in the outbox and wakes the sender. */
export async function announce(core: Core, type: WebhookType, data: unknown) {
  const deliveries = webhookDeliveries(core, type, data)
  if (!deliveries.length) return
  await core.store.enqueueDeliveries(deliveries)
  core.events.emit('webhooksQueued')
}

/** When the next attempt is due after `attempts` failed ones. */
export function nextAttemptDelay(backoffMs: number, attempts: number) {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 3 ** Math.max(0, attempts - 1))
}

/** One attempt at one delivery: 2xx is delivered; anything else is tried again later, or given up after 24 hours. */
export async function attemptDelivery(core: Core, delivery: DeliveryRecord) {
  const now = core.clock.now()
  const attempts = delivery.attempts + 1
  const sentAt = new Date(now).toISOString()
  let status: number | undefined
  let error: string | undefined
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      body: delivery.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'WrenCos-Webhooks/1',
        'x-wrencos-event': delivery.type,
        'x-wrencos-delivery': delivery.id,
        'x-wrencos-signature': signature(core.webhooks.secret, delivery.body, Math.floor(now / 1000)),
      },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      redirect: 'manual',
    })
    status = response.status
    await response.body?.cancel().catch(() => {})
  }
  catch (failure) {
    error = (failure as Error).name === 'TimeoutError' ? `no answer within ${ANSWER_WITHIN_MS / 1000} s` : String((failure as Error).message ?? failure).slice(0, 300)
  }
  if (status !== undefined && status >= 200 && status < 300) {
    return core.store.updateDelivery(delivery.id, { status: 'delivered', attempts, lastStatus: status, lastError: null, lastAttemptAt: sentAt, deliveredAt: sentAt })
  }
  const next = now + nextAttemptDelay(core.webhooks.backoffMs, attempts)
  const givenUp = next > Date.parse(delivery.createdAt) + GIVE_UP_AFTER_MS
  return core.store.updateDelivery(delivery.id, {
    status: givenUp ? 'failed' : 'pending',
    attempts,
    ...(status !== undefined ? { lastStatus: status } : {}),
    lastError: error ?? `HTTP ${status}`,
    lastAttemptAt: sentAt,
    nextAttemptAt: new Date(next).toISOString(),
  })
}

/** A delivery as the studio's log shows it: without its body. */
export function presentDelivery({ body: _body, url, ...shown }: DeliveryRecord) {
  return { ...shown, url: redactedUrl(url) }
}

/**
 * NUXT_WEBHOOK_URLS, read once at start: http(s) URLs without credentials (a password in the
 * URL would be shown in the studio and sent in the clear to every proxy; receivers check the
 * signature instead). Anything else is a problem the server refuses to start with.
 */
export function parseWebhookUrls(entries: string[]): { urls: string[], problems: string[] } {
  const urls: string[] = []
  const problems: string[] = []
  for (const entry of entries) {
    let url: URL
    try {
      url = new URL(entry)
    }
    catch {
      problems.push(`"${entry.slice(0, 80)}" is not a URL`)
      continue
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`${redactedUrl(entry)} is not an http(s) URL`)
    else if (url.username || url.password) problems.push(`${redactedUrl(entry)} carries credentials: remove them, receivers check X-WrenCos-Signature`)
    else urls.push(url.href)
  }
  return { urls, problems }
}

/** A receiver's URL as the studio and the log show it: no credentials, no query (it may hold a token). */
export function redactedUrl(text: string): string {
  try {
    const url = new URL(text)
    return `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}${url.pathname}${url.search ? '?***' : ''}`
  }
  catch {
    return '(not a URL)'
  }
}

export async function listDeliveries(core: Core, limit = 100) {
  return (await core.store.listDeliveries(limit)).map(presentDelivery)
}

/** "Send again": one more attempt now, whatever its state (within its 24 hours, the usual retries follow if it fails). */
export async function resendDelivery(core: Core, id: string) {
  const delivery = await core.store.getDelivery(id)
  if (!delivery) throw notFound('delivery')
  const updated = await core.store.updateDelivery(id, { status: 'pending', nextAttemptAt: new Date(core.clock.now()).toISOString() })
  core.events.emit('webhooksQueued')
  return presentDelivery(updated!)
}
