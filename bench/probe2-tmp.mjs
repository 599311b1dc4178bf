import { chromium } from 'playwright'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required']
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS })
const html = `<!doctype html><html><head><script>
const t0 = performance.now(); window.__m = { start: Math.round(t0) }
const pc = new RTCPeerConnection({ iceServers: [] })
pc.addTransceiver('video', { direction: 'recvonly' }); pc.addTransceiver('audio', { direction: 'recvonly' })
pc.onicecandidate = () => (window.__m.cand ??= Math.round(performance.now()))
pc.createOffer().then(o => { window.__m.offer = Math.round(performance.now()); return pc.setLocalDescription(o) }).then(() => (window.__m.sld = Math.round(performance.now())))
</script></head><body>hi</body></html>`
const rows = []
for (let i = 0; i < 6; i++) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.route('http://localhost:3999/probe', route => route.fulfill({ body: html, contentType: 'text/html' }))
  await page.goto('http://localhost:3999/probe')
  await page.waitForTimeout(800)
  rows.push(await page.evaluate(() => window.__m))
  await context.close()
}
console.log(rows)
await browser.close()
