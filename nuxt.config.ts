import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { workerUrl } from './build/worker-url'
import { LOCALE_COOKIE, LOCALES } from './shared/utils/locales'

const require = createRequire(import.meta.url)
/** The files `import 'werift'` and `'werift/nonstandard'` load (its ESM builds), for the production build to carry along. */
const weriftLib = join(dirname(require.resolve('werift')), '../..')
const weriftEsm = [join(weriftLib, 'index.mjs'), join(weriftLib, 'nonstandard/index.mjs')]
/**
 * node-datachannel as the relay's worker requires it, and its native library: a package of its own
 * per platform, found by name at run time, so traced here by name (where this platform has one).
 */
const nativeWebrtc = [require.resolve('node-datachannel'), ...['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-arm64', 'darwin-x64', 'win32-x64-msvc']
  .flatMap((platform) => {
    try {
      return [require.resolve(`@node-datachannel/${platform}`)]
    }
    catch {
      return []
    }
  })]

// The one app: Vue pages, Nitro API and the /_ws socket, shipped as one Node process.
export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxtjs/tailwindcss', '@nuxt/eslint', '@nuxtjs/i18n'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'WrenCos Live',
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'description', content: 'Live shopping with WrenCos: watch, chat and buy as it happens.' },
      ],
    },
  },
  runtimeConfig: {
    // Every key here is overridable by the NUXT_* variable of the same name (see README).
    jwtSecret: '',
    adminEmail: '',
    adminPassword: '',
    dataDir: '.data',
    mongodbUri: '',
    redisUrl: '',
    corsOrigins: '',
    // Set (NUXT_TRUST_PROXY=true, or the number of proxies) only behind proxies that set
    // X-Forwarded-*: otherwise anyone could claim any address and slip past the per-address limits.
    trustProxy: '',
    demoData: '',
    // NUXT_LOG_FORMAT: json (the default in production) or pretty (the default in dev); README, "Logs".
    logFormat: '',
    // Limits and caps (README, "Limits"): NUXT_RATE_LIMITS is JSON; the others are numbers.
    rateLimits: '',
    orderMaxUnits: '',
    orderMaxUnitsPerShow: '',
    orderMaxUnitsPerAddress: '',
    dealBuyersPerAddress: '',
    maxSocketsPerAddress: '',
    metricsAllow: '',
    // How video reaches viewers (README, "Media"): relay (default), janus or p2p.
    mediaMode: '',
    // NUXT_HLS=true: live shows also as HLS at /live/:id/hls/index.m3u8 (needs ffmpeg; README, "HLS").
    hls: '',
    mediaMaxViewers: '',
    // What the relay may spend before it turns the next viewer away (README, "Capacity"): its thread's busy share, and egress.
    mediaMaxLoad: '',
    mediaMaxEgressMbps: '',
    mediaPublicIp: '',
    mediaPortRange: '',
    mediaLoopback: '',
    // The relay viewers' WebRTC stack (README, "The media relay in production"): native (default) or werift.
    mediaViewerStack: '',
    // The player on the brand's own site (README, "The player on your site"): origins that may frame /embed/:id.
    embedOrigins: '',
    // Webhooks (README, "Webhooks"): comma-separated receivers, the signing secret, the first retry's wait.
    webhookUrls: '',
    webhookSecret: '',
    webhookBackoffMs: '',
    // Reminder mails (README, "Reminders"): the SMTP server (smtp://user:pass@host:port, smtps:// for TLS) and the sender.
    smtpUrl: '',
    mailFrom: '',
    // janus mode (README, "Janus"): its WebSocket API, its API secret, and this process's address as Janus sees it.
    janusUrl: '',
    // NUXT_JANUS_EDGES: comma-separated WebSocket URLs of the Janus edges viewers are spread over.
    janusEdges: '',
    janusAdminSecret: '',
    janusForwardHost: '',
    public: {
      // NUXT_PUBLIC_SITE_URL: where customers reach the site (https://live.example.com); every absolute URL starts with it.
      siteUrl: '',
      iceServers: [{ urls: 'stun:stun.l.google.com:19302' }] as RTCIceServer[],
    },
  },
  // Root-level layout (pages/, components/, server/ ... beside this file), even if an app/ folder appears.
  srcDir: '.',
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    // The app's scripts and styles are written gzip and brotli at build time and sent so to a
    // browser that accepts it: a customer's phone fetches ~150 KB of JavaScript, not ~600 KB.
    // Nitro's own static handler picks the file by Accept-Encoding (no compression per request).
    compressPublicAssets: true,
    // A native addon, and the WebRTC stacks of the relay's worker (which only the worker imports, so
    // they are traced by name): loaded from node_modules at run time.
    externals: { external: ['better-sqlite3', 'werift', 'node-datachannel'], traceInclude: [...weriftEsm, ...nativeWebrtc] },
    rollupConfig: { plugins: [workerUrl({ external: ['werift', 'werift/*', 'node-datachannel'] })] },
  },
  // zod is first needed by the studio's forms: without this, Vite discovers it on that first visit
  // in dev and reloads the page, dropping the navigation that led there (seen after signing in).
  vite: { optimizeDeps: { include: ['zod'] } },
  typescript: { strict: true },
  hooks: {
    // hls.js (about 180 KB compressed) is for the few pages WebRTC cannot serve, fetched when one
    // needs it (utils/hls-playback.ts). The entry's early plugin may ask for it, which would make it
    // a dynamic import of the entry that every page prefetches: it is kept out of the hints.
    'build:manifest': (manifest) => {
      for (const [id, resource] of Object.entries(manifest)) if (id.includes('node_modules/hls.js/')) resource.prefetch = false
    },
  },
  eslint: { config: { stylistic: true } },
  // The customer's language (README, "Languages"): the URLs stay as they are (/live/:id is the
  // contract), the language comes from the visitor's choice (a cookie) or Accept-Language.
  i18n: {
    strategy: 'no_prefix',
    defaultLocale: 'en',
    locales: LOCALES.map(locale => ({ ...locale, file: `${locale.code}.json` })),
    detectBrowserLanguage: { useCookie: true, cookieKey: LOCALE_COOKIE, fallbackLocale: 'en' },
  },
})
