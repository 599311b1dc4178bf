import { isAbsolute, resolve } from 'node:path'
import type { LimitOverrides } from '../domain/limits'
import { DEFAULT_MAX_LOAD } from '../media/relay/capacity'

/** NUXT_TRUST_PROXY: `true` is one proxy in front; a number is that many; anything else none. */
export function proxyHopsOf(value: unknown): number {
  const text = String(value ?? '').trim().toLowerCase()
  if (text === 'true') return 1
  const hops = Number(text)
  return Number.isInteger(hops) && hops > 0 && hops < 10 ? hops : 0
}

const list = (value: unknown) => String(value || '').split(',').map(item => item.trim()).filter(Boolean)

/** NUXT_JANUS_EDGES: Janus WebSocket URLs; anything else stops the start with what is wrong. */
function janusEdgesOf(value: unknown): string[] {
  const edges = list(value)
  for (const edge of edges) {
    if (!/^wss?:\/\/[^/\s]+/i.test(edge) || !URL.canParse(edge)) throw new Error(`NUXT_JANUS_EDGES: "${edge}" is not a Janus WebSocket URL (ws://host:port or wss://host:port)`)
  }
  return edges
}

const positive = (value: unknown, fallback: number) => {
  const number = Number(value)
  return Number.isFinite(number) && number > 0 ? Math.floor(number) : fallback
}

/** A share between 0 and 1 (exclusive of 0), or the fallback. */
const fraction = (value: unknown, fallback: number) => {
  const number = Number(value)
  return String(value ?? '') !== '' && Number.isFinite(number) && number > 0 && number <= 1 ? number : fallback
}

/** NUXT_RATE_LIMITS: JSON such as `{"chat":{"perAddress":{"burst":40,"perSecond":5}}}`; a bad value is reported and ignored. */
function limitOverrides(value: unknown): LimitOverrides {
  if (!value) return {}
  if (typeof value === 'object') return value as LimitOverrides
  try {
    return JSON.parse(String(value)) as LimitOverrides
  }
  catch {
    console.error('[wrencos] NUXT_RATE_LIMITS is not JSON; the default limits apply')
    return {}
  }
}

/** NUXT_MEDIA_PORT_RANGE: `40000-40199`; anything else is no range (any free port). */
function portRangeOf(value: unknown): [number, number] | undefined {
  const match = /^(\d{2,5})-(\d{2,5})$/.exec(String(value ?? '').trim())
  if (!match) return undefined
  const [low, high] = [Number(match[1]), Number(match[2])]
  return low < high && high < 65536 ? [low, high] : undefined
}

/** NUXT_PUBLIC_SITE_URL's origin (`https://live.example.com`), or '' when unset or not an http(s) URL. */
export function siteOriginOf(value: unknown): string {
  try {
    const url = new URL(String(value ?? ''))
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : ''
  }
  catch {
    return ''
  }
}

function mediaModeOf(value: unknown): 'relay' | 'janus' | 'p2p' {
  const mode = String(value || 'relay')
  return mode === 'p2p' || mode === 'janus' ? mode : 'relay'
}

/** The server's settings, resolved once from runtime config (NUXT_* variables, see README). */
export function serverConfig() {
  const config = useRuntimeConfig()
  const dataDir = String(config.dataDir || '.data')
  const demoData = String(config.demoData ?? '')
  return {
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    mongodbUri: String(config.mongodbUri || ''),
    redisUrl: String(config.redisUrl || ''),
    jwtSecret: String(config.jwtSecret || ''),
    adminEmail: String(config.adminEmail || (import.meta.dev ? 'admin@wrencos.local' : '')),
    adminPassword: String(config.adminPassword || (import.meta.dev ? 'wrencos-admin' : '')),
    corsOrigins: list(config.corsOrigins),
    /** NUXT_PUBLIC_SITE_URL: the public origin of every absolute URL the server answers. */
    siteOrigin: siteOriginOf(config.public.siteUrl),
    /** How many proxies in front append to X-Forwarded-For; 0 believes none of the X-Forwarded-* headers. */
    proxyHops: proxyHopsOf(config.trustProxy),
    // Demo products and a scheduled stream: on by default in dev, off in production unless asked for.
    demoData: demoData === '' ? import.meta.dev : demoData === 'true' || demoData === '1',
    limits: limitOverrides(config.rateLimits),
    orderCaps: {
      perOrder: positive(config.orderMaxUnits, 10),
      perCustomerPerShow: positive(config.orderMaxUnitsPerShow, 20),
      perAddressPerShow: positive(config.orderMaxUnitsPerAddress, 100),
      dealBuyersPerAddress: positive(config.dealBuyersPerAddress, 2),
    },
    maxSocketsPerAddress: positive(config.maxSocketsPerAddress, 50),
    /** Who may read /metrics: addresses or CIDR ranges. */
    metricsAllow: list(config.metricsAllow || '127.0.0.1,::1'),
    /** Origins that may frame /embed/:id (CSP frame-ancestors), e.g. https://shop.example.com. */
    embedOrigins: list(config.embedOrigins).filter(origin => /^https?:\/\/[^/\s]+$/i.test(origin)),
    webhooks: {
      /** As given: server/plugins/app.ts refuses to start unless each is a plain http(s) URL (parseWebhookUrls). */
      urls: list(config.webhookUrls),
      secret: String(config.webhookSecret || ''),
      backoffMs: positive(config.webhookBackoffMs, 10_000),
    },
    /** Reminder mails (README, "Reminders"): both set, or reminders are off. */
    mail: {
      smtpUrl: String(config.smtpUrl || ''),
      from: String(config.mailFrom || ''),
    },
    /** NUXT_HLS: live shows packaged as HLS too, for a CDN and for viewers WebRTC cannot reach. */
    hls: ['true', '1'].includes(String(config.hls ?? '')),
    media: {
      mode: mediaModeOf(config.mediaMode),
      maxViewers: positive(config.mediaMaxViewers, 500),
      /** The relay viewers' WebRTC stack (server/media/relay/viewer-stack.ts): native unless werift is asked for. */
      viewerStack: String(config.mediaViewerStack || '') === 'werift' ? 'werift' as const : 'native' as const,
      /** The relay's budget (server/media/relay/capacity.ts): past it the next viewer gets 503. */
      capacity: {
        maxLoad: fraction(config.mediaMaxLoad, DEFAULT_MAX_LOAD),
        ...(Number(config.mediaMaxEgressMbps) > 0 ? { maxEgressBps: Number(config.mediaMaxEgressMbps) * 1_000_000 } : {}),
      },
      network: {
        // Loopback candidates serve a viewer on the relay's own machine: on in dev, off in production unless asked for.
        loopback: String(config.mediaLoopback ?? '') === '' ? import.meta.dev : ['true', '1'].includes(String(config.mediaLoopback)),
        portRange: portRangeOf(config.mediaPortRange),
        publicIp: String(config.mediaPublicIp || '') || undefined,
      },
      janus: {
        url: String(config.janusUrl || 'ws://127.0.0.1:8188'),
        edges: janusEdgesOf(config.janusEdges),
        apiSecret: String(config.janusAdminSecret || ''),
        // Where Janus sends this process the host's media to record: this process's address as Janus sees it.
        forwardHost: String(config.janusForwardHost || '127.0.0.1'),
      },
    },
  }
}

export type ServerConfig = ReturnType<typeof serverConfig>
