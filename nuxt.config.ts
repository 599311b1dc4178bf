// The one app: Vue pages, Nitro API and the /_ws socket, shipped as one Node process.
export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxtjs/tailwindcss', '@nuxt/eslint'],
  devtools: { enabled: false },
  app: {
    head: {
      title: 'WrenCos Live',
      htmlAttrs: { lang: 'en' },
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
    // Limits and caps (README, "Limits"): NUXT_RATE_LIMITS is JSON; the others are numbers.
    rateLimits: '',
    orderMaxUnits: '',
    orderMaxUnitsPerShow: '',
    orderMaxUnitsPerAddress: '',
    maxSocketsPerAddress: '',
    metricsAllow: '',
    public: {
      iceServers: [{ urls: 'stun:stun.l.google.com:19302' }] as RTCIceServer[],
    },
  },
  // Root-level layout (pages/, components/, server/ ... beside this file), even if an app/ folder appears.
  srcDir: '.',
  compatibilityDate: '2025-07-15',
  nitro: {
    experimental: { websocket: true },
    // Native addon: load it from node_modules at run time instead of bundling it.
    externals: { external: ['better-sqlite3'] },
  },
  // zod is first needed by the studio's forms: without this, Vite discovers it on that first visit
  // in dev and reloads the page, dropping the navigation that led there (seen after signing in).
  vite: { optimizeDeps: { include: ['zod'] } },
  typescript: { strict: true },
  eslint: { config: { stylistic: true } },
})
