import { deferredEntryScript, isEarlyScript } from '#shared/utils/early-entry'

/** Nuxt's entry in the head: a module script by its address. */
const ENTRY = /<script type="module" src="([^"]+)"( crossorigin)?><\/script>/
/**
 * The app's modules, preloaded: a browser compiles a `modulepreload` as it arrives, on the main
 * thread the early session needs. Prefetched instead, they are only downloaded; they compile when
 * the entry imports them. Seen (viewer-join, relay, one run each): the offer left 250-400 ms
 * after the script started with prefetch, 400-700 ms with modulepreload.
 */
const MODULEPRELOAD = /<link rel="modulepreload"/g

// A live show's page opens its video from an inline script in the head (its WHEP session in relay
// and janus modes, utils/early-whep.ts; its socket and the studio's connection in p2p,
// utils/early-p2p.ts); there the app's entry waits for that session's first picture
// (deferredEntryScript), so the picture is not held behind the app's modules. Other pages are untouched.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html) => {
    if (!html.head.some(isEarlyScript)) return
    html.head = html.head.map(part => part.replace(ENTRY, (_, src: string) => `<script type="module">${deferredEntryScript(src)}</script>`).replace(MODULEPRELOAD, '<link rel="prefetch"'))
  })
})
