// What most Node teams would build for benchmark 1's room: Socket.IO 4 (WebSocket transport only,
// no compression), a room per show, `io.to(room).emit` for each chat line. It speaks just enough of
// PROTOCOL.md, wrapped in Socket.IO's own packets, for the benchmark's clients (./lib/sockets.mjs's
// 'socket.io' dialect): a guest token, `register`, `chat_message`. Run by bench/lib/peer-server.mjs;
// PORT in the environment.
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { answerStubApi } from './stub-api.mjs'

let seq = 0

const http = createServer(answerStubApi)
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false })

io.on('connection', (socket) => {
  let room
  socket.on('register', (message) => {
    room = String(message?.livestreamId)
    socket.join(room)
    socket.emit('chat_history', { type: 'chat_history', items: [] })
  })
  socket.on('chat_message', (message) => {
    if (!room || typeof message?.message !== 'string') return
    // Socket.IO encodes a room broadcast once and writes it to every socket in the room.
    io.to(room).emit('chat_message', { type: 'chat_message', id: String(++seq), message: message.message })
  })
})
http.listen(Number(process.env.PORT), '127.0.0.1')
