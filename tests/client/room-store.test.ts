import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ChatMessage, Livestream } from '#shared/types/models'
import { useRoomStore } from '~/stores/room'
import { fakeSocket } from './fakes'

const STREAM = {
  id: 's1', title: 'Show', description: '', quality: '720p', status: 'scheduled', likes: 0, viewCount: 0, replayViews: 0,
  currentViewers: 0, maxViewers: 0, pinnedProducts: [], createdAt: '2026-11-24T00:00:00.000Z',
} as Livestream
const line = (id: string, message = `line ${id}`): ChatMessage => ({
  id, livestreamId: 's1', user: { id: 'u1', displayName: 'Ana', role: 'customer' }, message, createdAt: '2026-11-24T00:00:00.000Z',
})

beforeEach(() => setActivePinia(createPinia()))

describe('the room store', () => {
  it('follows the room: history, new lines once each, counters, pins, start and stop', () => {
    const room = useRoomStore()
    const socket = fakeSocket()
    room.set(STREAM)
    room.attach(socket)
    socket.receive({ type: 'chat_history', items: [line('1'), line('2')] })
    socket.receive({ type: 'chat_message', ...line('2') })
    socket.receive({ type: 'chat_message', ...line('3') })
    expect(room.chat.map(message => message.id)).toEqual(['1', '2', '3'])
    socket.receive({ type: 'stream_update', livestreamId: 's1', likes: 9, viewCount: 4, currentViewers: 3, maxViewers: 5 })
    socket.receive({ type: 'stream_update', livestreamId: 'other', likes: 99, viewCount: 0, currentViewers: 0, maxViewers: 0 })
    expect(room.livestream).toMatchObject({ likes: 9, viewCount: 4, currentViewers: 3, maxViewers: 5 })
    socket.receive({ type: 'stream_started', livestreamId: 's1', streamData: null })
    expect(room.livestream?.status).toBe('live')
    const product = { id: 'p1', name: 'Serum' } as Livestream['pinnedProducts'][number]
    socket.receive({ type: 'pinned_products_updated', livestreamId: 's1', pinnedProducts: [product] })
    expect(room.pinnedProducts).toEqual([product])
    socket.receive({ type: 'stream_stopped', livestreamId: 's1' })
    expect(room.livestream?.status).toBe('ended')
  })

  it('takes a show\'s new fields and its replay when the room hears livestream_updated', () => {
    const room = useRoomStore()
    const socket = fakeSocket()
    room.set({ ...STREAM, status: 'ended' })
    room.attach(socket)
    socket.receive({ type: 'livestream_updated', livestream: { ...STREAM, id: 'other', title: 'Not this one' } })
    expect(room.livestream?.title).toBe('Show')
    socket.receive({ type: 'livestream_updated', livestream: { ...STREAM, status: 'ended', videoUrl: '/uploads/videos/r.webm' } })
    expect(room.livestream).toMatchObject({ status: 'ended', videoUrl: '/uploads/videos/r.webm' })
  })

  it('says kindly when chat is too fast, and when a message could not leave', () => {
    const room = useRoomStore()
    const socket = fakeSocket()
    room.attach(socket)
    expect(room.sendChat(socket, 'hello')).toBe(true)
    expect(socket.sent.at(-1)).toMatchObject({ type: 'chat_message', message: 'hello' })
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down: try again in 1 s', ref: 'chat_message' })
    expect(room.chatNotice).toBe('Easy there! slow down: try again in 1 s.')
    socket.send.mockReturnValueOnce(false)
    expect(room.sendChat(socket, 'again')).toBe(false)
    expect(room.chatNotice).toContain('not sent')
  })

  it('keeps the last 300 lines of a long show', () => {
    const room = useRoomStore()
    const socket = fakeSocket()
    room.attach(socket)
    socket.receive({ type: 'chat_history', items: Array.from({ length: 320 }, (_, index) => line(String(index))) })
    expect(room.chat).toHaveLength(300)
    expect(room.chat[0]!.id).toBe('20')
  })
})
