// The floor of benchmark 3's viewer join: no framework, no app. A host page sends its fake camera
// to each viewer page over its own RTCPeerConnection, signaled through this bare `ws` server that
// passes messages between them by id. A viewer page opening and showing its first frame is as fast
// as Chromium can join a WebRTC stream on this machine. Run by bench/lib/peer-server.mjs; PORT in
// the environment. Pages: /host.html, /viewer.html (bare-webrtc/).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'

const pages = Object.fromEntries(['host.html', 'viewer.html'].map(name => [`/${name}`, readFileSync(new URL(`./bare-webrtc/${name}`, import.meta.url))]))
const sockets = new Map()
let host = null
let nextId = 0

const http = createServer((request, response) => {
  // Anything but a page answers {}: the launcher's readiness probe.
  const page = pages[request.url]
  response.writeHead(200, { 'content-type': page ? 'text/html' : 'application/json' })
  response.end(page ?? '{}')
})
const wss = new WebSocketServer({ server: http, perMessageDeflate: false })

wss.on('connection', (ws) => {
  const id = String(++nextId)
  sockets.set(id, ws)
  ws.on('close', () => {
    sockets.delete(id)
    if (host === id) host = null
    // As our server tells the studio (`viewer_left`): the host stops sending to a viewer gone.
    else if (host) sockets.get(host)?.send(JSON.stringify({ type: 'leave', from: id }))
  })
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString())
    if (message.type === 'host') return void (host = id)
    // A viewer asks for video: the host makes it a connection and an offer.
    const to = message.type === 'join' ? host : message.to
    sockets.get(to)?.send(JSON.stringify({ ...message, from: id }))
  })
})
http.listen(Number(process.env.PORT), '127.0.0.1')
