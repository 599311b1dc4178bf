import { deferredEntryScript, isEarlyScript } from '#shared/utils/early-entry'

/** Nuxt's entry in the head: a module script by its address. */
const ENTRY = /<script type="module" src="([^"]+)"( crossorigin)?><\/script>/
/**
 * The app's modules, hinted: `modulepreload` for the entry's imports, `prefetch` for its dynamic
 * ones. A browser compiles a `modulepreload` as it arrives, on the main thread the early session
 * needs (seen, viewer-join, relay: the offer left 250-400 ms after the script started with
 * prefetch, 400-700 ms with modulepreload), and any hint in the head is a request that can hold
 * one of the page's six connections when the offer's POST needs one. The entry's script fetches
 * them itself, once the early connection is up (deferredEntryScript).
 */
const MODULE_HINT = /<link rel="(?:modulepreload|prefetch)" as="script" crossorigin href="([^"]+)">/g

// A live show's page opens its video from an inline script in the head (its WHEP session in relay
// and janus modes, utils/early-whep.ts; its socket and the studio's connection in p2p,
// utils/early-p2p.ts); there the app's entry waits for that session's first picture, and its
// modules are fetched once nothing of the session's is queued behind them (deferredEntryScript).
// Other pages are untouched.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html) => {
    if (!html.head.some(isEarlyScript) || !html.head.some(part => ENTRY.test(part))) return
    const modules: string[] = []
    const head = html.head.map(part => part.replace(MODULE_HINT, (_, href: string) => {
      modules.push(href)
      return ''
    }))
    html.head = head.map(part => part.replace(ENTRY, (_, src: string) => `<script type="module">${deferredEntryScript(src, modules)}</script>`))
  })
})
