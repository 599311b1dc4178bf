// The studio's import page in Chromium: a file with a bad line shows every problem and imports
// nothing; a good one shows its preview, and applying it adds the products.
import { describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'

describe('importing products in the studio (Chromium)', () => {
  const chromium = useChromium()

  it('names the bad lines, changes nothing, then previews and applies a good file', async () => {
    const prefix = `UI-${Date.now()}-`
    const context = await adminContext(chromium())
    const { page, problems } = await watchedPage(context)
    await page.goto(appURL('/studio/import'), { waitUntil: 'networkidle' })
    const upload = (name: string, text: string) => page.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })

    await upload('bad.csv', `sku,name,priceCents,currency,stock\n${prefix}1,Rose,2400,EUR,5\n${prefix}2,Coral,cheap,EUR,5\n`)
    await expect.poll(() => page.getByTestId('import-errors').textContent()).toMatch(/3\s*priceCents\s*a whole number/)
    expect(await page.getByTestId('import-apply').count()).toBe(0)

    await upload('good.csv', `sku,name,priceCents,currency,stock\n${prefix}1,Rose,2400,EUR,5\n${prefix}2,"Coral, glossy",2600,EUR,3\n`)
    await expect.poll(() => page.getByTestId('import-valid').textContent()).toContain('2 products ready')
    expect(await page.getByText('Coral, glossy').isVisible()).toBe(true)
    expect((await api('/api/products')).body.items.some((product: { sku?: string }) => product.sku?.startsWith(prefix))).toBe(false)
    await page.getByTestId('import-apply').click()
    await expect.poll(() => page.getByTestId('import-result').textContent()).toContain('2 new, 0 updated')
    const imported = (await api('/api/products')).body.items.filter((product: { sku?: string }) => product.sku?.startsWith(prefix))
    expect(imported.map((product: { name: string }) => product.name).sort()).toEqual(['Coral, glossy', 'Rose'])
    await screenshot(page, 'studio-import')
    expect(problems().filter(line => !/status of 400/.test(line))).toEqual([])
    await context.close()
  })
})
