// The customer's language in Chromium (PROTOCOL.md, "Sharing, search and reminders"): a German
// browser gets the live page in German with German prices; the switcher turns it French in place
// while the show keeps playing; a phone without the Web Share API gets our share sheet.
import { describe, expect, it } from 'vitest'
import { baseURL, createProduct, createStream } from '../support/api'
import { adminContext, appURL, openHydrated, screenshot, useChromium, watchedPage } from '../support/browser'
import { expectLiveVideo } from '../support/customer-page'
import { hostGoesLive } from '../support/studio'

/** Intl puts a no-break space (or a narrow one) before the euro sign: compared as plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u00A0\u202F]/g, ' ').trim()

describe('languages and sharing on /live/:id (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('speaks German to a German browser, changes to French without a reload while the video plays, and shares from a phone', async () => {
    const product = await createProduct({ name: 'Velvet Lipstick Rose', priceCents: 2400, currency: 'EUR', stock: 8 })
    const stream = await createStream({ title: 'Glow Abend', quality: '480p' })
    const host = await adminContext(chromium())
    const { page: studio } = await watchedPage(host)
    await hostGoesLive(studio, stream.id)
    await studio.getByTestId(`pin-${product.id}`).click()

    const context = await chromium().newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const { page, problems } = await watchedPage(context)
    const response = await openHydrated(page, `/live/${stream.id}`)
    // Server-rendered in German from Accept-Language, before any script ran.
    const html = await response!.text()
    expect(html).toContain('lang="de-DE"')
    expect(html).toContain('Anmelden')
    await expectLiveVideo(page)
    const card = page.getByTestId(`product-card-${product.id}`)
    await card.waitFor()
    expect(plain(await card.locator('p.text-sm').first().textContent())).toMatch(/^24,00 € /)
    expect(await card.getByRole('button', { name: /In den Warenkorb/ }).isVisible()).toBe(true)
    expect(await page.getByText('Jetzt gezeigt').isVisible()).toBe(true)
    expect(await page.getByTestId('live-viewers').textContent()).toMatch(/^1 schaut zu$/)
    // The host's words are not translated.
    expect(await page.getByRole('heading', { name: 'Glow Abend' }).isVisible()).toBe(true)

    // The switcher: French in place, no navigation, the same <video> still decoding frames.
    await page.evaluate(() => {
      (window as unknown as { stayedHere: boolean }).stayedHere = true
      document.querySelector('[data-testid="live-video"]')!.setAttribute('data-same-element', 'yes')
    })
    await page.getByTestId('language').selectOption('fr')
    await expect.poll(() => card.getByRole('button', { name: /Ajouter au panier/ }).isVisible()).toBe(true)
    expect(plain(await card.locator('p.text-sm').first().textContent())).toMatch(/^24,00 € /)
    expect(await page.evaluate(() => (window as unknown as { stayedHere?: boolean }).stayedHere)).toBe(true)
    expect(await page.getByTestId('live-video').getAttribute('data-same-element')).toBe('yes')
    await expectLiveVideo(page, 5000)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr-FR')
    // Remembered: the next page of this visitor is French too, whatever the browser says.
    const home = await (await context.request.get(appURL('/'))).text()
    expect(home).toContain('Se connecter')

    // No Web Share API in this browser: our sheet, with the link to copy (the site's public address, NUXT_PUBLIC_SITE_URL).
    const shared = `${baseURL()}/live/${stream.id}`
    expect(await page.evaluate(() => typeof navigator.share)).toBe('undefined')
    await page.getByTestId('share-button').last().click()
    const sheet = page.getByTestId('share-sheet')
    await expect.poll(() => sheet.isVisible()).toBe(true)
    expect(await sheet.getByTestId('share-link').inputValue()).toBe(shared)
    expect(await sheet.getByRole('link', { name: 'WhatsApp' }).getAttribute('href')).toContain(encodeURIComponent(shared))
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: appURL('/') })
    await sheet.getByTestId('share-copy').click()
    await expect.poll(() => sheet.getByRole('status').textContent()).toBe('Lien copié')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shared)
    await screenshot(page, 'share-sheet-phone')
    expect(problems()).toEqual([])
    await context.close()

    // The player on a German brand's page speaks German to an English browser, and hydrates cleanly.
    const english = await chromium().newContext({ locale: 'en-US' })
    const embedded = await watchedPage(english)
    await openHydrated(embedded.page, `/embed/${stream.id}?lang=de`)
    await expect.poll(() => embedded.page.getByTestId(`product-card-${product.id}`).getByRole('button', { name: /In den Warenkorb/ }).isVisible()).toBe(true)
    expect(embedded.problems()).toEqual([])
    await english.close()
    await host.close()
  })
})
