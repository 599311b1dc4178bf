import { deferredEntryScript, isEarlyWhepScript } from '#shared/utils/early-entry'

/** Nuxt's entry in the head: a module script by its address (its modulepreload link stays). */
const ENTRY = /<script type="module" src="([^"]+)"( crossorigin)?><\/script>/

// A live show's page (relay, janus) opens its WHEP session from an inline script in the head;
// there the app's entry waits for that session's first picture (utils/early-whep.ts,
// deferredEntryScript), so the picture is not held behind the app's modules. Other pages are untouched.
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html) => {
    if (!html.head.some(isEarlyWhepScript)) return
    html.head = html.head.map(part => part.replace(ENTRY, (_, src: string) => `<script type="module">${deferredEntryScript(src)}</script>`))
  })
})
