import { chromium } from 'playwright'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required']
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })
const url = process.argv[2]
const original = await (await fetch(url)).text()
const variants = {
  asis: html => html,
  noCss: html => html.replace(/<link rel="stylesheet"[^>]*>/g, ''),
  noJs: html => html.replace(/<link rel="modulepreload"[^>]*>/g, '').replace(/<script type="module">[\s\S]*?<\/script>/g, ''),
  noBody: html => html.replace(/<body[\s\S]*<\/body>/, '<body></body>'),
  headOnly: html => html.replace(/<link rel="stylesheet"[^>]*>/g, '').replace(/<link rel="modulepreload"[^>]*>/g, '').replace(/<script type="module">[\s\S]*?<\/script>/g, '').replace(/<body[\s\S]*<\/body>/, '<body></body>'),
}
for (const [name, change] of Object.entries(variants)) {
  const rows = []
  for (let i = 0; i < 6; i++) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.route(url, route => route.fulfill({ body: change(original), contentType: 'text/html' }))
    await page.goto(url)
    await page.waitForTimeout(800)
    rows.push(await page.evaluate(() => { const m = Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])); return [m['wrencos:whep-start'], m['x-offer'], m['x-sld'], m['x-cand'], m['wrencos:whep-post']] }))
    await context.close()
  }
  const med = k => rows.map(r => r[k]).sort((a, b) => a - b)[3]
  console.log(name, 'start, offer, sld, cand, post', [0, 1, 2, 3, 4].map(med))
}
await browser.close()
