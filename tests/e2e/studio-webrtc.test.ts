import type { WebSocketRoute } from 'playwright'
import { describe, expect, it } from 'vitest'
import { createStream } from '../support/api'
import { adminContext, useChromium, watchedPage } from '../support/browser'
import { expectVideoPlaying, joinAsBareCustomer } from '../support/customer'
import { goLive, openConsole, startCamera } from '../support/studio'

describe('the studio\'s peer connections (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('sends video to each customer, and carries on through a dropped socket', async () => {
    const stream = await createStream({ title: `WebRTC test ${Date.now()}`, quality: '480p' })
    const hostContext = await adminContext(chromium())
    const { page: studio, problems } = await watchedPage(hostContext)
    // The studio's socket passes through the test, so the test can cut it.
    const routes: WebSocketRoute[] = []
    await studio.routeWebSocket(/\/_ws$/, (route) => {
      route.connectToServer()
      routes.push(route)
    })
    await openConsole(studio, stream.id)
    await startCamera(studio)
    await goLive(studio)

    const customers = await chromium().newContext()
    const first = await customers.newPage()
    await joinAsBareCustomer(first, stream.id)
    await expectVideoPlaying(first)
    await expect.poll(() => studio.getByTestId('counter-peers').textContent()).toBe('1')

    await routes.at(-1)!.close({ code: 4000, reason: 'cut by the test' })
    await expect.poll(() => studio.getByText('Reconnecting to the server').isVisible(), { timeout: 5000 }).toBe(true)
    // Media is peer to peer: the customer's picture goes on while the socket is down.
    await expectVideoPlaying(first)
    await expect.poll(() => routes.length, { timeout: 10_000 }).toBe(2)
    await expect.poll(() => studio.getByText('Reconnecting to the server').isVisible(), { timeout: 10_000 }).toBe(false)

    // The studio registered again as the broadcaster: a customer arriving now gets video too.
    const second = await customers.newPage()
    await joinAsBareCustomer(second, stream.id)
    await expectVideoPlaying(second)
    await expect.poll(() => studio.getByTestId('counter-peers').textContent()).toBe('2')
    expect(await studio.getByTestId('broadcast-state').textContent()).toMatch(/Live · \d+:\d\d\s*$/)
    expect(problems()).toEqual([])
    await customers.close()
    await hostContext.close()
  })
})
