// The floor of benchmark 1's fan-out: a bare `ws` server that speaks just enough of PROTOCOL.md for
// the benchmark's clients (a guest token, register, chat_message) and writes each chat line, framed
// once, to every socket. No auth, no store, no limits, no rooms: what a Node process can do at
// best. Run by bench/lib/peer-server.mjs; PORT in the environment.
import { createServer } from 'node:http'
import { WebSocketServer, Sender } from 'ws'
import { answerStubApi } from './stub-api.mjs'

const sockets = new Set()
let seq = 0

const http = createServer(answerStubApi)
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, ws => wss.emit('connection', ws)))

wss.on('connection', (ws) => {
  sockets.add(ws)
  ws.on('close', () => sockets.delete(ws))
  ws.on('message', (data) => {
    let message
    try {
      message = JSON.parse(data.toString())
    }
    catch {
      return
    }
    if (message.type === 'register') return ws.send('{"type":"chat_history","items":[]}')
    if (message.type !== 'chat_message') return
    // One frame for everyone, written as it is to each socket.
    const frame = Buffer.concat(Sender.frame(Buffer.from(JSON.stringify({ type: 'chat_message', id: String(++seq), message: message.message })), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }))
    for (const socket of sockets) socket._socket?.write(frame)
  })
})
http.listen(Number(process.env.PORT), '127.0.0.1')
