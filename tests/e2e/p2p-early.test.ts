// A customer opening a p2p show that is already live (PROTOCOL.md, "First frame"), on the live
// page or in the embedded player: the page's inline script opens the socket, registers and answers the studio's offer before the app
// hydrates; the room then adopts that socket and connection, so the studio makes one connection
// for the customer, not two, and the room's state comes from what the early socket heard.
import { describe, expect, it } from 'vitest'
import { createStream } from '../support/api'
import { adminContext, appURL, useChromium, watchedPage } from '../support/browser'
import { chat, expectLiveVideo, giveName } from '../support/customer-page'
import { expectModulesAfterEarlyConnection, keepConnections } from '../support/media-pages'
import { endShow, hostGoesLive } from '../support/studio'
import { openingFrames } from '../../server/realtime/opening-frames'

describe('a p2p show\'s page starts its video before it hydrates (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it.each([['the live page', 'live'], ['the embedded player', 'embed']])('%s answers the studio from the HTML\'s script, and the room adopts that socket and connection', { timeout: 90_000 }, async (_, path) => {
    const stream = await createStream({ title: `Early p2p ${Date.now()}`, quality: '480p' })
    const host = await adminContext(chromium())
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    await hostGoesLive(studio, stream.id)
    await studio.getByLabel('Message').fill('Before you came')
    await studio.keyboard.press('Enter')
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('Before you came')

    const audience = await chromium().newContext()
    const { page, problems } = await watchedPage(audience)
    // Every frame the page's sockets send, and the frames their addresses stand for
    // (server/realtime/opening-frames.ts), to count its registrations.
    const sent: string[] = []
    page.on('websocket', (socket) => {
      sent.push(...openingFrames(socket.url()))
      socket.on('framesent', ({ payload }) => sent.push(String(payload)))
    })
    await page.goto(appURL(`/${path}/${stream.id}`))
    await expectLiveVideo(page)

    // The offer was answered before the page finished hydrating.
    const marks = await page.evaluate(() => Object.fromEntries(['wrencos:p2p-offer', 'wrencos:p2p-connected', 'wrencos:p2p-frame', 'wrencos:hydrated'].map(name => [name, performance.getEntriesByName(name)[0]?.startTime ?? -1])))
    console.info(`p2p, ${path}: the studio's offer reached the page ${Math.round(marks['wrencos:p2p-offer']!)} ms after navigation, its first frame at ${Math.round(marks['wrencos:p2p-frame']!)} ms, hydration done at ${Math.round(marks['wrencos:hydrated']!)} ms`)
    expect(marks['wrencos:p2p-offer']).toBeGreaterThan(0)
    expect(marks['wrencos:p2p-offer']).toBeLessThan(marks['wrencos:hydrated']!)
    // The app's modules were asked for once that connection was up (its candidates went by the
    // socket meanwhile), or once the app stopped waiting for the early picture (its frame, or 2 s).
    await expectModulesAfterEarlyConnection(page, marks['wrencos:p2p-connected']!, marks['wrencos:p2p-frame']!)

    // One socket, registered once, one request for video: the room took the early ones over.
    const types = sent.map(frame => (JSON.parse(frame) as { type: string }).type)
    expect(types.filter(type => type === 'register')).toHaveLength(1)
    expect(types.filter(type => type === 'webrtc_new_customer')).toHaveLength(1)
    await expect.poll(() => studio.getByTestId('counter-peers').textContent(), { timeout: 10_000 }).toBe('1')
    await page.waitForTimeout(3000)
    expect(await studio.getByTestId('counter-peers').textContent()).toBe('1')
    expect(await studio.getByTestId('counter-viewers').textContent()).toBe('1')
    await expectLiveVideo(page)

    // The chat the early socket heard is on the page, and the adopted socket carries chat both ways.
    await expect.poll(() => page.getByTestId('chat-list').textContent()).toContain('Before you came')
    await chat(page, 'Hi from the early socket')
    await giveName(page, 'Inès')
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('Hi from the early socket')

    await endShow(studio)
    expect(problems()).toEqual([])
    expect(studioProblems()).toEqual([])
    await audience.close()
    await host.close()
  })

  it('keeps the one connection when the studio says it is ready just after the page answered', { timeout: 60_000 }, async () => {
    const stream = await createStream({ title: `Ready again ${Date.now()}`, quality: '480p' })
    const host = await adminContext(chromium())
    // The studio's connections, kept as it makes them.
    await keepConnections(host)
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    await hostGoesLive(studio, stream.id)

    // The studio registers for WebRTC as it goes live, so a page that saw the show start may get
    // its `broadcaster_ready` after it asked and answered: here it comes right after the answer.
    const audience = await chromium().newContext()
    const { page, problems } = await watchedPage(audience)
    const asked: string[] = []
    let studioId = ''
    await page.routeWebSocket(/\/_ws(\?|$)/, (route) => {
      // Asked for in the socket's address (server/realtime/opening-frames.ts), or by a frame.
      for (const frame of openingFrames(route.url())) {
        const { type } = JSON.parse(frame) as { type: string }
        if (type === 'webrtc_new_customer') asked.push(type)
      }
      const server = route.connectToServer()
      server.onMessage((frame) => {
        const message = JSON.parse(String(frame)) as { type: string, from?: string }
        if (message.type === 'webrtc_offer') studioId = message.from!
        route.send(frame)
      })
      route.onMessage((frame) => {
        server.send(frame)
        const { type } = JSON.parse(String(frame)) as { type: string }
        if (type === 'webrtc_new_customer') asked.push(type)
        if (type === 'webrtc_answer') route.send(JSON.stringify({ type: 'broadcaster_ready', livestreamId: stream.id, from: studioId }))
      })
    })
    await page.goto(appURL(`/live/${stream.id}`))
    await expectLiveVideo(page)
    await expect.poll(() => studio.getByTestId('counter-peers').textContent(), { timeout: 10_000 }).toBe('1')
    // Asked once, offered once: before, the page asked again, the studio dropped the connection
    // it had made for a new one, and the picture came 7 s later.
    expect(asked).toHaveLength(1)
    // Made for a customer: offered and answered, or closed. Not the ones the studio keeps ready for
    // the next customer, never offered (composables/video/p2p-host.ts, P2P_SPARES).
    expect(await studio.evaluate(() => (window as unknown as { connections: RTCPeerConnection[] }).connections.filter(made => made.remoteDescription || made.signalingState === 'closed').length)).toBe(1)
    await endShow(studio)
    expect(problems()).toEqual([])
    expect(studioProblems()).toEqual([])
    await audience.close()
    await host.close()
  })
})
