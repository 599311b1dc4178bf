import type { WebSocketRoute } from 'playwright'
import { describe, expect, it } from 'vitest'
import { createStream } from '../support/api'
import { adminContext, openHydrated, useChromium, watchedPage } from '../support/browser'
import { chat, expectLiveVideo, giveName } from '../support/customer-page'
import { crashTab, goLive, openConsole, startCamera } from '../support/studio'

describe('a customer\'s page recovers by itself (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('through a dropped socket, and through the host\'s tab dying and coming back', async () => {
    const stream = await createStream({ title: `Recovery test ${Date.now()}`, quality: '480p' })
    const host = await adminContext(chromium())
    const studio = await host.newPage()
    await openConsole(studio, stream.id)
    await startCamera(studio)
    await goLive(studio)

    const context = await chromium().newContext({ viewport: { width: 390, height: 844 } })
    const { page, problems } = await watchedPage(context)
    const routes: WebSocketRoute[] = []
    await page.routeWebSocket(/\/_ws(\?|$)/, (route) => {
      route.connectToServer()
      routes.push(route)
    })
    await openHydrated(page, `/live/${stream.id}`)
    await expectLiveVideo(page)
    await chat(page, 'First!')
    await giveName(page, 'Inès')
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('First!')

    // The socket drops: the video goes on (peer to peer), the page reconnects and chats again.
    const before = routes.length
    await routes.at(-1)!.close({ code: 4000, reason: 'cut by the test' })
    await expect.poll(() => routes.length, { timeout: 10_000 }).toBeGreaterThan(before)
    await expectLiveVideo(page)
    await expect.poll(() => page.getByRole('button', { name: 'Send', exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await chat(page, 'Still here after the drop')
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('Still here after the drop')

    // The host's tab dies: the page says the host will be back, then plays again when they are.
    await crashTab(studio)
    await expect.poll(() => page.getByText('The host will be right back').isVisible(), { timeout: 30_000 }).toBe(true)
    const resumed = await host.newPage()
    await openConsole(resumed, stream.id)
    await startCamera(resumed)
    await goLive(resumed, 'Resume broadcast')
    await expectLiveVideo(page, 30_000)
    expect(await page.getByText('The host will be right back').isVisible()).toBe(false)
    expect(problems()).toEqual([])
    await context.close()
    await host.close()
  }, 120_000)
})
