// Debian's Chromium driven by Playwright (its own browser downloads do not work here). Pages are
// opened on `localhost`, a secure context, so getUserMedia works with the fake camera.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright'
import { afterAll, beforeAll, inject } from 'vitest'
import { ROOT } from './server'

export const ARTIFACTS = join(ROOT, 'tests/.artifacts')

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else (where one was installed) Playwright's own. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined
}

/**
 * Chromium with the fake camera. `askForCamera` leaves out the flag that grants the permission
 * prompt, so pages meet a refusal as a host who clicked "Block" would.
 */
export function launchChromium(options: { askForCamera?: boolean } = {}): Promise<Browser> {
  const args = options.askForCamera ? CHROMIUM_ARGS.filter(arg => arg !== '--use-fake-ui-for-media-stream') : CHROMIUM_ARGS
  return chromium.launch({ executablePath: chromiumPath(), args, headless: true })
}

/**
 * The context's pages are on a network that lets no UDP through and has no TURN server (an
 * office's, a hotel's): every RTCPeerConnection may use relay candidates only and knows no relay,
 * so ICE finds no pair and never connects, as there. (Chromium's own switch for this,
 * --force-webrtc-ip-handling-policy, still connected on loopback here.)
 */
export async function blockWebRtcMedia(context: BrowserContext) {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection
    window.RTCPeerConnection = class extends Native {
      constructor(config: RTCConfiguration = {}) {
        super({ ...config, iceServers: [], iceTransportPolicy: 'relay' })
      }
    } as typeof RTCPeerConnection
  })
}

/** One Chromium for the tests of a describe block or file: launched before them, closed after. */
export function useChromium(options: { askForCamera?: boolean } = {}): () => Browser {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await launchChromium(options)
  })
  afterAll(async () => {
    await browser?.close()
  })
  return () => browser!
}

/** A server of a test file's own (another media mode): the page helpers below go to it instead of the shared one. */
let own: { baseURL: string, adminToken: string } | undefined
export function useAppServer(server: { baseURL: string, adminToken: string }) {
  own = server
}

/** The app's address on `localhost` rather than 127.0.0.1, so the browser treats it as secure. */
export function appURL(path = '/'): string {
  const url = new URL(own?.baseURL ?? inject('baseURL'))
  url.hostname = 'localhost'
  return new URL(path, url).toString()
}

/**
 * A page that records every console error, page error and Vue hydration warning; `problems()`
 * lists them so a test can insist there were none.
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page, problems: () => string[] }> {
  const page = await context.newPage()
  const found: string[] = []
  page.on('console', (message) => {
    const text = message.text()
    // A failed load names its resource, so a problem says which request it was.
    const where = message.location().url
    if (message.type() === 'error' || /hydration/i.test(text)) found.push(`${message.type()}: ${text}${where && /Failed to load/.test(text) ? ` (${where})` : ''}`)
  })
  page.on('pageerror', error => found.push(`pageerror: ${error.message}`))
  return { page, problems: () => [...found] }
}

/**
 * Opens `path` (on the app, or a whole address) and waits until the app has hydrated, for a test
 * that goes on to use the page.
 * 'networkidle' alone is not that: a live or embedded player's page asks for the app's modules
 * only once its early connection is up (shared/utils/early-entry.ts), so the network can go quiet
 * a second or more before the app runs.
 */
export async function openHydrated(page: Page, path: string) {
  const response = await page.goto(appURL(path), { waitUntil: 'networkidle' })
  await hydrated(page)
  return response
}

/**
 * Waits until the page's app has hydrated (after a reload, say); see openHydrated. Read from Nuxt
 * itself (the app Vue mounted on #__nuxt), not from the page's `wrencos:hydrated` mark: a page
 * under Playwright's fake clock has a fake `performance` that keeps no marks.
 */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const root = document.querySelector('#__nuxt') as { __vue_app__?: { $nuxt?: { isHydrating?: boolean } } } | null
    return root?.__vue_app__?.$nuxt?.isHydrating === false
  }, undefined, { timeout: 15_000 })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** A browser context signed in as the admin, through the same httpOnly cookie a login sets. */
export async function adminContext(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport })
  await context.addCookies([{ name: 'wrencos_token', value: own?.adminToken ?? inject('adminToken'), url: appURL('/'), httpOnly: true }])
  return context
}
