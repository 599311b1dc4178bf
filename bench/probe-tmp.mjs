import { chromium } from 'playwright'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required']
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })
const rows = []
for (let i = 0; i < 8; i++) {
  const context = await browser.newContext()
  await context.addInitScript(() => { window.__lt = []; new PerformanceObserver(list => { for (const e of list.getEntries()) window.__lt.push([Math.round(e.startTime), Math.round(e.duration), e.attribution?.[0]?.containerSrc ?? '']) }).observe({ type: 'longtask', buffered: true }) })
  const page = await context.newPage()
  await page.goto(process.argv[2])
  await page.waitForTimeout(1200)
  if (i < 3) console.log('long tasks', JSON.stringify(await page.evaluate(() => window.__lt)))
  rows.push(await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0]
    const marks = Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)]))
    return [Math.round(nav.responseEnd), marks['wrencos:whep-start'], marks['x-offer'], marks['x-sld'], marks['x-cand'], marks['wrencos:whep-post'], Math.round(nav.domContentLoadedEventEnd)]
  }))
  await context.close()
}
const med = k => rows.map(r => r[k]).sort((a, b) => a - b)[4]
console.log('responseEnd, start, offer, sld, cand, post, dcl (medians):', [0, 1, 2, 3, 4, 5, 6].map(med))
await browser.close()
