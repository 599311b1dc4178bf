import { describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, createStream, guest, liveStream } from '../support/api'

const admin = () => ({ token: adminToken() })
const UNKNOWN = 'ffffffffffffffffffffffff'

describe('creating and reading livestreams', () => {
  it('creates a scheduled stream (201) with zeroed server counters', async () => {
    const response = await api('/api/livestreams', { ...admin(), body: { title: '  Night routine  ', description: 'Skin care', quality: '1080p', scheduledAt: '2031-05-01T20:00:00+02:00' } })
    expect(response.status).toBe(201)
    expect(response.body.livestream).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: 'Night routine',
      description: 'Skin care',
      quality: '1080p',
      status: 'scheduled',
      scheduledAt: '2031-05-01T18:00:00.000Z',
      likes: 0,
      viewCount: 0,
      replayViews: 0,
      currentViewers: 0,
      maxViewers: 0,
      pinnedProducts: [],
      createdAt: expect.any(String),
    })
    const read = await api(`/api/livestreams/${response.body.livestream.id}`)
    expect(read.status).toBe(200)
    expect(read.body.livestream).toEqual(response.body.livestream)
  })

  it.each([
    [{ quality: '720p' }, 'title'],
    [{ title: '', quality: '720p' }, 'title'],
    [{ title: 'x'.repeat(121), quality: '720p' }, 'title'],
    [{ title: 'ok', quality: '4k' }, 'quality'],
    [{ title: 'ok', quality: '720p', description: 'x'.repeat(2001) }, 'description'],
    [{ title: 'ok', quality: '720p', scheduledAt: 'tomorrow' }, 'scheduledAt'],
    [{ title: 'ok', quality: '720p', likes: 'lots', scheduledAt: { $gt: '' } }, 'scheduledAt'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const response = await api('/api/livestreams', { ...admin(), body })
    expect(response.status).toBe(400)
    expect(response.body.data.issues.map((issue: { path: string[] }) => issue.path[0])).toContain(field)
  })

  it('answers 404 for an unknown id and 400 for one that is not an id', async () => {
    expect((await api(`/api/livestreams/${UNKNOWN}`)).status).toBe(404)
    expect((await api('/api/livestreams/not%20an%20id')).status).toBe(400)
  })

  it('lists newest first, pages with nextCursor, and filters by status', async () => {
    const a = await createStream({ title: 'List A' })
    const b = await createStream({ title: 'List B' })
    const c = await createStream({ title: 'List C' })
    const first = await api('/api/livestreams?limit=2')
    expect(first.status).toBe(200)
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([c.id, b.id])
    expect(first.body.nextCursor).toEqual(expect.any(String))
    const second = await api(`/api/livestreams?limit=2&cursor=${first.body.nextCursor}`)
    expect(second.body.items[0].id).toBe(a.id)
    await api(`/api/livestreams/${b.id}/start`, { method: 'POST', ...admin() })
    const live = await api('/api/livestreams?status=live&limit=100')
    expect(live.body.items.map((s: { id: string }) => s.id)).toContain(b.id)
    expect(live.body.items.every((s: { status: string }) => s.status === 'live')).toBe(true)
    const all = await api('/api/livestreams?limit=100')
    expect(all.body.nextCursor === null || typeof all.body.nextCursor === 'string').toBe(true)
  })

  it('refuses a bad status, limit or cursor with 400', async () => {
    expect((await api('/api/livestreams?status=paused')).status).toBe(400)
    expect((await api('/api/livestreams?limit=0')).status).toBe(400)
    expect((await api('/api/livestreams?limit=101')).status).toBe(400)
    expect((await api('/api/livestreams?cursor=garbage')).status).toBe(400)
  })
})

describe('editing and deleting', () => {
  it('patches given fields only; null clears the schedule', async () => {
    const stream = await createStream({ title: 'Before', scheduledAt: '2031-01-01T00:00:00Z' })
    const response = await api(`/api/livestreams/${stream.id}`, { method: 'PATCH', ...admin(), body: { title: 'After', scheduledAt: null } })
    expect(response.status).toBe(200)
    expect(response.body.livestream).toMatchObject({ title: 'After', quality: '720p' })
    expect(response.body.livestream.scheduledAt).toBeUndefined()
    expect((await api(`/api/livestreams/${stream.id}`, { method: 'PATCH', ...admin(), body: {} })).status).toBe(400)
    expect((await api(`/api/livestreams/${UNKNOWN}`, { method: 'PATCH', ...admin(), body: { title: 'x' } })).status).toBe(404)
  })

  it('deletes a scheduled stream (204); refuses while live (409)', async () => {
    const stream = await createStream()
    expect((await api(`/api/livestreams/${stream.id}`, { method: 'DELETE', ...admin() })).status).toBe(204)
    expect((await api(`/api/livestreams/${stream.id}`)).status).toBe(404)
    const live = await liveStream()
    expect((await api(`/api/livestreams/${live.id}`, { method: 'DELETE', ...admin() })).status).toBe(409)
    expect((await api(`/api/livestreams/${live.id}`)).body.livestream.status).toBe('live')
    expect((await api(`/api/livestreams/${UNKNOWN}`, { method: 'DELETE', ...admin() })).status).toBe(404)
  })
})

describe('start and stop', () => {
  it('goes scheduled -> live -> ended with times, duration and final counters', async () => {
    const stream = await createStream()
    const started = await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', ...admin() })
    expect(started.status).toBe(200)
    expect(started.body.livestream.status).toBe('live')
    expect(Date.parse(started.body.livestream.startTime)).toBeGreaterThan(Date.now() - 10_000)
    const again = await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', ...admin() })
    expect(again.body.livestream.startTime).toBe(started.body.livestream.startTime)
    const { token } = await guest()
    await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 3 } })
    const stopped = await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    expect(stopped.status).toBe(200)
    expect(stopped.body.livestream).toMatchObject({ status: 'ended', likes: 3, currentViewers: 0 })
    expect(Date.parse(stopped.body.livestream.endTime)).toBeGreaterThanOrEqual(Date.parse(started.body.livestream.startTime))
    expect(stopped.body.livestream.durationSeconds).toBeGreaterThanOrEqual(0)
    expect((await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', ...admin() })).status).toBe(409)
  })

  it('refuses to stop a stream that never started (409), and both need an admin', async () => {
    const stream = await createStream()
    expect((await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })).status).toBe(409)
    const { token } = await guest()
    expect((await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', token })).status).toBe(403)
    expect((await api(`/api/livestreams/${stream.id}/start`, { method: 'POST' })).status).toBe(401)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.status).toBe('scheduled')
  })
})

describe('likes and views', () => {
  it('counts likes from signed-in users while live', async () => {
    const stream = await liveStream()
    const { token } = await guest()
    expect((await api(`/api/livestreams/${stream.id}/like`, { token, method: 'POST' })).body).toEqual({ likes: 1 })
    expect((await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 5 } })).body).toEqual({ likes: 6 })
    expect((await api(`/api/livestreams/${stream.id}/like`, { body: { count: 1 } })).status).toBe(401)
    expect((await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 51 } })).status).toBe(400)
    expect((await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 0 } })).status).toBe(400)
    expect((await api(`/api/livestreams/${UNKNOWN}/like`, { token, body: { count: 1 } })).status).toBe(404)
    const scheduled = await createStream()
    expect((await api(`/api/livestreams/${scheduled.id}/like`, { token, body: { count: 1 } })).status).toBe(409)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.likes).toBe(6)
  })

  it('limits likes per user: a burst of 5, then 429 with Retry-After', async () => {
    const stream = await liveStream()
    const { token } = await guest()
    const statuses = []
    for (let i = 0; i < 7; i++) statuses.push((await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 1 } })).status)
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    expect(statuses.slice(5)).toEqual([429, 429])
    const other = await guest()
    expect((await api(`/api/livestreams/${stream.id}/like`, { token: other.token, body: { count: 1 } })).status).toBe(200)
  })

  it('counts one view per session id, from anyone, while the show is live; replay views apart; none before', async () => {
    const stream = await createStream()
    const view = (sessionId: unknown, id = stream.id) => api(`/api/livestreams/${id}/view`, { body: { sessionId } })
    // Scheduled: nobody has watched anything yet.
    expect((await view('session-one-1')).body).toEqual({ viewCount: 0, replayViews: 0 })
    await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', ...admin() })
    expect((await view('session-one-1')).body).toEqual({ viewCount: 1, replayViews: 0 })
    expect((await view('session-one-1')).body).toEqual({ viewCount: 1, replayViews: 0 })
    expect((await view('session-two-2')).body).toEqual({ viewCount: 2, replayViews: 0 })
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    expect((await view('session-one-1')).body).toEqual({ viewCount: 2, replayViews: 1 })
    expect((await view('session-one-1')).body).toEqual({ viewCount: 2, replayViews: 1 })
    expect((await view({ $ne: 1 })).status).toBe(400)
    expect((await view('session-one-1', UNKNOWN)).status).toBe(404)
  })
})

describe('pinned products', () => {
  it('pins and unpins, shows pinned products on the stream, and keeps the history', async () => {
    const stream = await liveStream()
    const serum = await createProduct({ name: 'Pinned serum' })
    const balm = await createProduct({ name: 'Pinned balm' })
    const pin = (productId: string, pinned: boolean) => api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId, pinned } })
    expect((await pin(serum.id, true)).body.pinnedProducts.map((p: { name: string }) => p.name)).toEqual(['Pinned serum'])
    expect((await pin(balm.id, true)).body.pinnedProducts.map((p: { name: string }) => p.name)).toEqual(['Pinned serum', 'Pinned balm'])
    expect((await pin(serum.id, false)).body.pinnedProducts.map((p: { name: string }) => p.name)).toEqual(['Pinned balm'])
    const read = await api(`/api/livestreams/${stream.id}`)
    expect(read.body.livestream.pinnedProducts).toEqual([expect.objectContaining({ id: balm.id, name: 'Pinned balm', priceCents: 1500, currency: 'EUR' })])
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const history = await api(`/api/livestreams/${stream.id}/pins`)
    expect(history.status).toBe(200)
    expect(history.body.items.map((p: { product: { name: string }, unpinnedAt?: string }) => [p.product.name, !!p.unpinnedAt]))
      .toEqual([['Pinned serum', true], ['Pinned balm', true]])
    expect((await pin(balm.id, true)).status).toBe(409)
  })

  it('answers 404 for an unknown product or stream, 403 for a customer', async () => {
    const stream = await liveStream()
    expect((await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: UNKNOWN, pinned: true } })).status).toBe(404)
    const product = await createProduct()
    expect((await api(`/api/livestreams/${UNKNOWN}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })).status).toBe(404)
    expect((await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: 'yes' } })).status).toBe(400)
    const { token } = await guest()
    expect((await api(`/api/livestreams/${stream.id}/pin-product`, { token, body: { productId: product.id, pinned: true } })).status).toBe(403)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.pinnedProducts).toEqual([])
  })
})

describe('chat history', () => {
  it('answers an empty page for a new stream, 404 for an unknown one, 400 for a bad limit', async () => {
    const stream = await createStream()
    expect((await api(`/api/livestreams/${stream.id}/chat`)).body).toEqual({ items: [] })
    expect((await api(`/api/livestreams/${UNKNOWN}/chat`)).status).toBe(404)
    expect((await api(`/api/livestreams/${stream.id}/chat?limit=101`)).status).toBe(400)
    expect((await api(`/api/livestreams/${stream.id}/chat?before=${UNKNOWN}`)).status).toBe(404)
  })
})

describe('analytics', () => {
  it('sums up a show for the admin and refuses customers', async () => {
    const stream = await liveStream()
    const product = await createProduct({ name: 'Analytics blush', priceCents: 2500 })
    await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })
    const buyer = await guest()
    await api(`/api/livestreams/${stream.id}/like`, { token: buyer.token, body: { count: 4 } })
    await api(`/api/livestreams/${stream.id}/view`, { body: { sessionId: 'analytics-session' } })
    const order = await api('/api/orders', { token: buyer.token, body: { livestreamId: stream.id, items: [{ productId: product.id, quantity: 2 }], shipping: { name: 'B', email: 'b@example.com', address: '2 Main Street' } } })
    expect(order.status).toBe(201)
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })

    expect((await api(`/api/livestreams/${stream.id}/analytics`, { token: buyer.token })).status).toBe(403)
    const response = await api(`/api/livestreams/${stream.id}/analytics`, admin())
    expect(response.status).toBe(200)
    expect(response.body.summary).toMatchObject({
      likes: 4,
      uniqueViewers: 1,
      orders: 1,
      revenueCents: 5000,
      currency: 'EUR',
      chatMessages: 0,
      products: [{ productId: product.id, name: 'Analytics blush', quantity: 2, revenueCents: 5000 }],
      pins: [{ productId: product.id, name: 'Analytics blush', pinnedAt: expect.any(String), unpinnedAt: expect.any(String) }],
    })
    expect(response.body.timeline.length).toBeGreaterThan(0)
    const totals = response.body.timeline.reduce((sum: { orders: number, revenueCents: number }, point: { orders: number, revenueCents: number }) =>
      ({ orders: sum.orders + point.orders, revenueCents: sum.revenueCents + point.revenueCents }), { orders: 0, revenueCents: 0 })
    expect(totals).toEqual({ orders: 1, revenueCents: 5000 })
    expect((await api(`/api/livestreams/${UNKNOWN}/analytics`, admin())).status).toBe(404)
  })
})

describe('GET /api/livestreams/:id is cached for a second, yet shows this process\'s changes at once', () => {
  it('likes, pins, stock, title and end all show in the very next read', async () => {
    const stream = await liveStream()
    const product = await createProduct({ stock: 3 })
    const read = async () => (await api(`/api/livestreams/${stream.id}`)).body.livestream
    expect((await read()).likes).toBe(0)
    const { token } = await guest()
    await api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 3 } })
    expect((await read()).likes).toBe(3)
    await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })
    expect((await read()).pinnedProducts.map((pinned: { id: string }) => pinned.id)).toEqual([product.id])
    await api('/api/orders', { token, body: { livestreamId: stream.id, items: [{ productId: product.id, quantity: 1 }], shipping: { name: 'A B', email: 'a@example.com', address: '1 Main Street' } } })
    expect((await read()).pinnedProducts[0].stock).toBe(2)
    await api(`/api/livestreams/${stream.id}`, { method: 'PATCH', ...admin(), body: { title: 'Renamed live' } })
    expect((await read()).title).toBe('Renamed live')
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    expect((await read()).status).toBe('ended')
  })
})
