import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useLiveSocket } from '~/composables/useLiveSocket'

class FakeWebSocket {
  static OPEN = 1
  static all: FakeWebSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this)
  }

  open() {
    this.readyState = 1
    this.onopen?.()
  }

  deliver(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }

  send(text: string) {
    this.sent.push(text)
  }

  close() {
    this.readyState = 3
    this.onclose?.()
  }
}

const scope = effectScope()
beforeEach(() => {
  vi.useFakeTimers()
  FakeWebSocket.all = []
  vi.stubGlobal('WebSocket', FakeWebSocket)
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('useLiveSocket', () => {
  it('connects to /_ws on this host, hands typed frames to their listeners, sends only while open', () => {
    const socket = scope.run(() => useLiveSocket())!
    const ws = FakeWebSocket.all[0]!
    expect(ws.url).toBe(`ws://${location.host}/_ws`)
    expect(socket.send({ type: 'ping' })).toBe(false)
    const seen: unknown[] = []
    socket.on('stream_update', message => seen.push(message.likes))
    ws.open()
    expect(socket.status.value).toBe('open')
    ws.deliver({ type: 'stream_update', livestreamId: 'x', likes: 3, viewCount: 1, currentViewers: 1, maxViewers: 1 })
    ws.deliver({ type: 'pong' })
    ws.onmessage?.({ data: 'not json' })
    expect(seen).toEqual([3])
    expect(socket.send({ type: 'ping' })).toBe(true)
    expect(ws.sent).toEqual(['{"type":"ping"}'])
    socket.close()
  })

  it('reconnects with growing delays and re-runs onOpen each time it is back', async () => {
    const socket = scope.run(() => useLiveSocket('ws://localhost/_ws'))!
    const registrations: number[] = []
    socket.onOpen(() => registrations.push(FakeWebSocket.all.length))
    FakeWebSocket.all[0]!.open()
    FakeWebSocket.all[0]!.close()
    expect(socket.status.value).toBe('closed')
    await vi.advanceTimersByTimeAsync(500)
    expect(FakeWebSocket.all).toHaveLength(2)
    FakeWebSocket.all[1]!.close()
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeWebSocket.all).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.all).toHaveLength(3)
    FakeWebSocket.all[2]!.open()
    expect(registrations).toEqual([1, 3])
    expect(socket.reconnects.value).toBe(1)
    socket.close()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(FakeWebSocket.all).toHaveLength(3)
  })

  it('drops a connection that has gone silent, so it can come back', async () => {
    const socket = scope.run(() => useLiveSocket('ws://localhost/_ws'))!
    const ws = FakeWebSocket.all[0]!
    ws.open()
    await vi.advanceTimersByTimeAsync(15_000)
    expect(ws.sent).toContain('{"type":"ping"}')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(ws.readyState).toBe(3)
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.all.length).toBeGreaterThan(1)
    socket.close()
  })

  it('adopts a socket the page opened and registered: what it heard first, in order, and onOpen only from its first reconnect', async () => {
    const early = new FakeWebSocket('ws://localhost/_ws')
    early.open()
    const socket = scope.run(() => useLiveSocket('ws://localhost/_ws', { immediate: false }))!
    const seen: string[] = []
    socket.on('*', message => seen.push(message.type))
    const registrations: number[] = []
    socket.onOpen(() => registrations.push(FakeWebSocket.all.length))
    socket.adopt(early as unknown as WebSocket, [
      { type: 'registered', sessionId: 'session-1', viewerId: 'v1', livestream: {} as never },
      { type: 'chat_history', items: [] },
    ])
    expect(socket.status.value).toBe('open')
    expect(FakeWebSocket.all).toHaveLength(1)
    expect(registrations).toEqual([])
    early.deliver({ type: 'pong' })
    expect(seen).toEqual(['registered', 'chat_history', 'pong'])
    expect(socket.send({ type: 'ping' })).toBe(true)
    expect(early.sent).toEqual(['{"type":"ping"}'])
    // Its loss is a loss like any: a new socket, and the listeners register it.
    early.close()
    await vi.advanceTimersByTimeAsync(500)
    FakeWebSocket.all[1]!.open()
    expect(registrations).toEqual([2])
    socket.close()
  })
})
