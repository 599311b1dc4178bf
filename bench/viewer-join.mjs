// Benchmark 3: how fast a viewer sees video. A host goes live from the studio in Chromium with
// the fake camera; then, one after another, fresh customers open /live/:id and the time from
// navigation start to the first decoded video frame is taken in the page. Also: from `register`
// to the studio's `webrtc_offer` on a bare socket.
//   node bench/viewer-join.mjs [--joins=20] [--quick]
import { performance } from 'node:perf_hooks'
import { chromium } from 'playwright'
import { adminToken, startServer } from './lib/server.mjs'
import { openSockets, register, waitFor } from './lib/sockets.mjs'
import { options, printTable, round, saveResults, summarize } from './lib/stats.mjs'

const opts = options({ joins: 20 })
const joins = opts.quick ? 3 : opts.joins
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required', ...(process.env.WRENCOS_BENCH_CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean)]

// Runs in each customer page before the app: notes when the peer connection is up and when the
// live video shows its first frame.
function watchFirstFrame() {
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args)
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') window.__connectedAt ??= performance.now()
      })
    }
  }
  new MutationObserver((_, observer) => {
    const video = document.querySelector('[data-testid="live-video"]')
    if (!video) return
    observer.disconnect()
    window.__videoAt = performance.now()
    video.requestVideoFrameCallback(() => (window.__firstFrameAt = performance.now()))
  }).observe(document, { childList: true, subtree: true })
}

// The studio sends to each viewer itself (p2p), which is what register-to-offer measures;
// bench/relay.mjs measures joining a show the server carries.
const server = await startServer({ env: { NUXT_MEDIA_MODE: 'p2p' } })
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS })
try {
  const token = await adminToken(server.base)
  const app = server.base.replace('127.0.0.1', 'localhost')
  const created = await (await fetch(`${server.base}/api/livestreams`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` },
    body: JSON.stringify({ title: 'Join benchmark', quality: '720p' }),
  })).json()
  const livestreamId = created.livestream.id

  const host = await browser.newContext()
  await host.addCookies([{ name: 'wrencos_token', value: token, url: app, httpOnly: true }])
  const studio = await host.newPage()
  // What the studio says goes to the log: if a join never gets an offer, this tells why.
  studio.on('console', message => message.type() === 'error' && console.error(`[studio] ${message.text()}`))
  studio.on('pageerror', error => console.error(`[studio] ${error.message}`))
  await studio.goto(`${app}/studio/${livestreamId}`, { waitUntil: 'networkidle' })
  await studio.getByRole('button', { name: 'Start camera' }).click()
  await studio.getByRole('button', { name: 'Go live' }).click()
  await studio.getByText(/^\s*Live · /).waitFor()

  const firstFrames = []
  /** Where a join's time goes: the page's own load, the app mounting the player, then WebRTC. */
  const milestones = []
  for (let join = 0; join < joins; join++) {
    const context = await browser.newContext()
    await context.addInitScript(watchFirstFrame)
    const page = await context.newPage()
    await page.goto(`${app}/live/${livestreamId}`)
    const at = await (await page.waitForFunction(() => window.__firstFrameAt, null, { timeout: 20_000 })).jsonValue()
    firstFrames.push(at)
    milestones.push(await page.evaluate(() => ({
      domContentLoaded: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd),
      videoElement: Math.round(window.__videoAt),
      connected: Math.round(window.__connectedAt),
      firstFrame: Math.round(window.__firstFrameAt),
    })))
    await context.close()
  }

  // register -> webrtc_offer, on a socket, without a browser's own start-up in the way.
  const offers = []
  for (let join = 0; join < joins; join++) {
    const [ws] = await openSockets(server.base, 1)
    const started = performance.now()
    await register(ws, livestreamId, `join-bench-${join}-${Date.now()}`)
    const offered = waitFor(ws, '"type":"webrtc_offer"')
    ws.send(JSON.stringify({ type: 'webrtc_new_customer' }))
    await offered
    offers.push(performance.now() - started)
    ws.terminate()
  }

  const frame = summarize([...firstFrames])
  const offer = summarize([...offers])
  const result = {
    joins,
    firstFrameMs: { median: round(frame.p50), p90: round(frame.p90), max: round(frame.max), all: firstFrames.map(value => round(value)) },
    milestonesMs: milestones,
    registerToOfferMs: { median: round(offer.p50), p90: round(offer.p90), max: round(offer.max) },
  }
  printTable('Viewer join', [
    { 'measure': 'open /live/:id -> first decoded frame', 'median ms': result.firstFrameMs.median, 'p90 ms': result.firstFrameMs.p90, 'max ms': result.firstFrameMs.max },
    { 'measure': 'register -> webrtc_offer (socket)', 'median ms': result.registerToOfferMs.median, 'p90 ms': result.registerToOfferMs.p90, 'max ms': result.registerToOfferMs.max },
  ])
  saveResults('viewer-join', opts.quick, result)
}
finally {
  await browser.close()
  await server.stop()
}
