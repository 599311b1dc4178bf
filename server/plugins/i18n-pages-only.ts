import type { H3Event } from 'h3'

// @nuxtjs/i18n builds its server context (locale configs, vue-i18n options) in a `request` hook
// on every request, though only page renders read it. Measured on this machine with autocannon:
// GET /api/livestreams/:id fell from 9,700 to 2,760 requests a second with it. Here its hook is
// kept for pages and skipped for what never renders one: the API, the socket, assets, uploads,
// feeds and probes. The module has no option for this, and registers the hook late (its plugin
// is async), so registrations are watched from here. If a release changes the hook, the server
// says so at the first request and simply pays the cost.
const NO_PAGE = /^\/(?:api|_ws|_nuxt|uploads|__bench)(?:\/|$)|^\/(?:embed\.js|robots\.txt|sitemap\.xml|healthz|readyz|metrics)$|^\/live\/[^/]+\/calendar\.ics$/

type Hook = (event: H3Event, ...rest: unknown[]) => unknown

const isI18nContextHook = (hook: unknown) => typeof hook === 'function' && /I18nContext/.test(hook.toString())

function pagesOnly(hook: Hook): Hook {
  return (event, ...rest) => NO_PAGE.test(event.path.split('?')[0]!) ? undefined : hook(event, ...rest)
}

export default defineNitroPlugin((nitroApp) => {
  let wrapped = false
  const register = nitroApp.hooks.hook.bind(nitroApp.hooks) as (name: string, hook: unknown, ...rest: unknown[]) => () => void
  ;(nitroApp.hooks as unknown as { hook: typeof register }).hook = (name, hook, ...rest) => {
    if (name !== 'request' || !isI18nContextHook(hook)) return register(name, hook, ...rest)
    wrapped = true
    return register(name, pagesOnly(hook as Hook), ...rest)
  }
  let checked = false
  register('request', () => {
    if (checked) return
    checked = true
    if (!wrapped) console.warn('[wrencos] @nuxtjs/i18n\'s request hook was not found: every request builds its context (slower API answers)')
  })
})
