// The Store contract: every implementation must pass this same suite (tests/support/stores.ts).
// What the core does on top of a Store (pricing, cascades) is in core-contract.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Order } from '../../shared/types/models'
import { newId } from '../../server/db/ids'
import type { Store } from '../../server/db'
import { forEachStore, openImplementation } from '../support/stores'

const now = () => new Date().toISOString()
const product = (overrides: Partial<Omit<Parameters<Store['createProduct']>[0], 'variants'>> = {}) =>
  ({ name: 'Glow serum', priceCents: 2900, currency: 'EUR', stock: 5, ...overrides })
const shipping = { name: 'Ada', email: 'ada@example.com', address: '1 Rue de la Paix, Paris' }

const orderOf = (items: Order['items'], extra: Partial<Order> = {}): Order => ({
  id: newId(), userId: 'u1', items, totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
  currency: 'EUR', shipping, status: 'placed', createdAt: now(), ...extra,
})

forEachStore('Store contract', (name) => {
  let store: Store
  let cleanup: () => void

  beforeAll(async () => {
    ({ store, cleanup } = await openImplementation(name))
  })
  afterAll(async () => {
    await store.close()
    cleanup()
  })

  describe('users', () => {
    it('creates, finds by id and email, and refuses a duplicate email', async () => {
      const user = await store.createUser({ email: 'a@example.com', passwordHash: 'h', role: 'customer', displayName: 'A' })
      expect(user).toMatchObject({ email: 'a@example.com', role: 'customer', displayName: 'A', passwordHash: 'h' })
      expect(user.id).toMatch(/^[0-9a-f]{24}$/)
      expect(await store.getUser(user.id)).toEqual(user)
      expect(await store.findUserByEmail('a@example.com')).toEqual(user)
      await expect(store.createUser({ email: 'a@example.com', role: 'customer', displayName: 'B' }))
        .rejects.toMatchObject({ code: 'duplicate' })
    })

    it('lets many guests exist without an email', async () => {
      const first = await store.createUser({ role: 'customer', displayName: 'Guest 1' })
      const second = await store.createUser({ role: 'customer', displayName: 'Guest 2' })
      expect(first.email).toBeUndefined()
      expect(second.id).not.toBe(first.id)
    })

    it('knows whether an admin exists', async () => {
      expect(await store.hasAdmin()).toBe(false)
      await store.createUser({ email: 'boss@example.com', role: 'admin', displayName: 'Boss' })
      expect(await store.hasAdmin()).toBe(true)
    })

    it('answers null for unknown or malformed ids', async () => {
      expect(await store.getUser('ffffffffffffffffffffffff')).toBeNull()
      expect(await store.getUser('nope')).toBeNull()
    })

    it('keeps moderators and where an account was made, lists by role and deletes', async () => {
      const mod = await store.createUser({ email: 'mod@example.com', passwordHash: 'h', role: 'moderator', displayName: 'Mo' })
      const guest = await store.createUser({ role: 'customer', displayName: 'G', deviceId: 'device-1', signupAddress: '203.0.113.9' })
      expect(guest).toMatchObject({ deviceId: 'device-1', signupAddress: '203.0.113.9' })
      expect((await store.listUsers({ role: 'moderator' })).map(user => user.id)).toEqual([mod.id])
      expect(await store.deleteUser(mod.id)).toBe(true)
      expect(await store.deleteUser(mod.id)).toBe(false)
      expect(await store.deleteUser('nope')).toBe(false)
      expect(await store.getUser(mod.id)).toBeNull()
      expect(await store.listUsers({ role: 'moderator' })).toEqual([])
    })
  })

  describe('livestreams', () => {
    it('creates a scheduled stream with zeroed counters', async () => {
      const stream = await store.createLivestream({ title: 'Spring launch', description: 'New shades', quality: '720p', scheduledAt: '2030-01-01T10:00:00.000Z' })
      expect(stream).toMatchObject({
        title: 'Spring launch', description: 'New shades', quality: '720p', status: 'scheduled',
        scheduledAt: '2030-01-01T10:00:00.000Z', likes: 0, viewCount: 0, currentViewers: 0, maxViewers: 0,
      })
      expect(stream.startTime).toBeUndefined()
      expect(await store.getLivestream(stream.id)).toEqual(stream)
    })

    it('pages newest first with a cursor and filters by status', async () => {
      const made = []
      for (let i = 0; i < 5; i++) made.push(await store.createLivestream({ title: `Page ${i}`, description: '', quality: '480p' }))
      await store.updateLivestream(made[1]!.id, { status: 'live' })
      const first = await store.listLivestreams({ limit: 2 })
      expect(first.map(s => s.title)).toEqual(['Page 4', 'Page 3'])
      const last = first.at(-1)!
      const second = await store.listLivestreams({ limit: 2, after: { createdAt: last.createdAt, id: last.id } })
      expect(second.map(s => s.title)).toEqual(['Page 2', 'Page 1'])
      const live = await store.listLivestreams({ limit: 50, status: 'live' })
      expect(live.map(s => s.id)).toEqual([made[1]!.id])
    })

    it('updates only when the state matches, and clears with null', async () => {
      const stream = await store.createLivestream({ title: 'T', description: '', quality: '480p', scheduledAt: '2030-01-01T00:00:00.000Z' })
      expect(await store.updateLivestream(stream.id, { status: 'live', startTime: now() }, ['ended'])).toBeNull()
      const live = await store.updateLivestream(stream.id, { status: 'live', startTime: '2030-01-01T00:00:01.000Z', scheduledAt: null }, ['scheduled'])
      expect(live).toMatchObject({ status: 'live', startTime: '2030-01-01T00:00:01.000Z' })
      expect(live!.scheduledAt).toBeUndefined()
      expect(await store.updateLivestream('ffffffffffffffffffffffff', { title: 'x' })).toBeNull()
    })

    it('keeps a replay with its recorder runs, and forgets the runs with null', async () => {
      const stream = await store.createLivestream({ title: 'R', description: '', quality: '480p' })
      const replayRuns = [
        { at: '2030-01-01T00:00:00.000Z', replaySeconds: 0, lengthSeconds: 61.5 },
        { at: '2030-01-01T00:01:10.000Z', replaySeconds: 61.54, lengthSeconds: 30 },
      ]
      await store.updateLivestream(stream.id, { videoUrl: '/uploads/videos/a.webm', replayRuns })
      expect(await store.getLivestream(stream.id)).toMatchObject({ videoUrl: '/uploads/videos/a.webm', replayRuns })
      await store.updateLivestream(stream.id, { videoUrl: '/uploads/videos/b.webm', replayRuns: null })
      expect((await store.getLivestream(stream.id))!.replayRuns).toBeUndefined()
    })

    it('counts likes, views once per session, and the viewer peak', async () => {
      const stream = await store.createLivestream({ title: 'C', description: '', quality: '480p' })
      expect(await store.addLikes(stream.id, 3, now())).toBe(3)
      expect(await store.addLikes(stream.id, 2, now())).toBe(5)
      expect(await store.addLikes('ffffffffffffffffffffffff', 1, now())).toBeNull()
      expect(await store.addView(stream.id, 'session-aaaa', now())).toBe(1)
      expect(await store.addView(stream.id, 'session-aaaa', now())).toBe(1)
      expect(await store.addView(stream.id, 'session-bbbb', now())).toBe(2)
      expect(await store.addView('ffffffffffffffffffffffff', 'session-aaaa', now())).toBeNull()
      await store.setCurrentViewers(stream.id, 7, now())
      const after = await store.setCurrentViewers(stream.id, 3, now())
      expect(after).toMatchObject({ currentViewers: 3, maxViewers: 7, likes: 5, viewCount: 2 })
    })

    it('deletes only in an allowed state, and the parts it is told to', async () => {
      const stream = await store.createLivestream({ title: 'D', description: '', quality: '480p' })
      await store.appendChat({ livestreamId: stream.id, userId: 'u', displayName: 'U', role: 'customer', message: 'hi', createdAt: now() })
      await store.addView(stream.id, 'session-dddd', now())
      await store.updateLivestream(stream.id, { status: 'live' })
      expect(await store.deleteLivestream(stream.id, ['scheduled', 'ended'])).toBe(false)
      await store.updateLivestream(stream.id, { status: 'ended' })
      expect(await store.deleteLivestream(stream.id, ['scheduled', 'ended'])).toBe(true)
      expect(await store.getLivestream(stream.id)).toBeNull()
      expect(await store.listChat(stream.id, { limit: 10 })).toHaveLength(1)
      await store.deleteLivestreamParts(stream.id, ['chat', 'pins', 'views', 'samples'])
      expect(await store.listChat(stream.id, { limit: 10 })).toEqual([])
    })
  })

  describe('pins', () => {
    it('keeps the history of pin periods and the pinned set', async () => {
      const stream = await store.createLivestream({ title: 'P', description: '', quality: '480p' })
      const a = await store.createProduct(product({ name: 'A' }))
      const b = await store.createProduct(product({ name: 'B' }))
      await store.setPinned(stream.id, a.id, true, '2030-01-01T00:00:00.000Z')
      await store.setPinned(stream.id, a.id, true, '2030-01-01T00:00:05.000Z') // repeat: no-op
      await store.setPinned(stream.id, b.id, true, '2030-01-01T00:00:10.000Z')
      expect(await store.listPinnedProductIds(stream.id)).toEqual([a.id, b.id])
      await store.setPinned(stream.id, a.id, false, '2030-01-01T00:00:20.000Z')
      await store.setPinned(stream.id, a.id, false, '2030-01-01T00:00:25.000Z') // repeat: no-op
      expect(await store.listPinnedProductIds(stream.id)).toEqual([b.id])
      await store.setPinned(stream.id, a.id, true, '2030-01-01T00:00:30.000Z')
      await store.closeOpenPins({ livestreamId: stream.id }, '2030-01-01T00:01:00.000Z')
      expect(await store.listPinnedProductIds(stream.id)).toEqual([])
      expect(await store.listPins(stream.id)).toEqual([
        { productId: a.id, pinnedAt: '2030-01-01T00:00:00.000Z', unpinnedAt: '2030-01-01T00:00:20.000Z' },
        { productId: b.id, pinnedAt: '2030-01-01T00:00:10.000Z', unpinnedAt: '2030-01-01T00:01:00.000Z' },
        { productId: a.id, pinnedAt: '2030-01-01T00:00:30.000Z', unpinnedAt: '2030-01-01T00:01:00.000Z' },
      ])
    })
  })

  describe('chat', () => {
    it('appends and pages oldest first, before a given message', async () => {
      const stream = await store.createLivestream({ title: 'Chat', description: '', quality: '480p' })
      const sent = []
      for (let i = 0; i < 7; i++) {
        sent.push(await store.appendChat({ livestreamId: stream.id, userId: 'u1', displayName: 'Ann', role: 'customer', message: `m${i}`, clientId: `c${i}`, createdAt: now() }))
      }
      expect(sent[0]).toMatchObject({ livestreamId: stream.id, userId: 'u1', displayName: 'Ann', role: 'customer', message: 'm0', clientId: 'c0' })
      expect((await store.listChat(stream.id, { limit: 3 })).map(m => m.message)).toEqual(['m4', 'm5', 'm6'])
      expect((await store.listChat(stream.id, { limit: 3, before: sent[4] })).map(m => m.message)).toEqual(['m1', 'm2', 'm3'])
      expect((await store.listChat(stream.id, { limit: 3, before: sent[1] })).map(m => m.message)).toEqual(['m0'])
      expect(await store.getChat(sent[2]!.id)).toEqual(sent[2])
      expect(await store.listChatTimes(stream.id)).toHaveLength(7)
    })

    it('holds, deletes and releases lines, by message or by author, and lists by status', async () => {
      const stream = await store.createLivestream({ title: 'Moderated', description: '', quality: '480p' })
      const line = (userId: string, message: string, status?: 'held') => store.appendChat({ livestreamId: stream.id, userId, displayName: userId, role: 'customer', message, createdAt: now(), ...(status ? { status } : {}) })
      const a1 = await line('ann', 'hello')
      const b1 = await line('bob', 'spam 1')
      const held = await line('ann', 'see https://example.com', 'held')
      const b2 = await line('bob', 'spam 2')
      expect(held.status).toBe('held')
      expect((await store.listChat(stream.id, { limit: 10 })).map(m => m.id)).toEqual([a1.id, b1.id, b2.id])
      expect((await store.listChat(stream.id, { limit: 10, status: 'held' })).map(m => m.id)).toEqual([held.id])
      expect(await store.lastChatOf(stream.id, 'ann')).toMatchObject({ id: held.id })
      expect(await store.lastChatOf(stream.id, 'nobody')).toBeNull()

      // Every line of one author, once: a second pass changes nothing.
      const removed = await store.setChatStatus({ livestreamId: stream.id, userId: 'bob' }, 'deleted', [undefined, 'held'])
      expect(removed.map(m => m.id).sort()).toEqual([b1.id, b2.id].sort())
      expect(removed.every(m => m.status === 'deleted')).toBe(true)
      expect(await store.setChatStatus({ livestreamId: stream.id, userId: 'bob' }, 'deleted', [undefined, 'held'])).toEqual([])
      // A release applies to a held line only.
      expect(await store.setChatStatus({ id: a1.id }, null, ['held'])).toEqual([])
      const [released] = await store.setChatStatus({ id: held.id }, null, ['held'])
      expect(released).toMatchObject({ id: held.id, message: 'see https://example.com' })
      expect(released!.status).toBeUndefined()
      expect((await store.listChat(stream.id, { limit: 10 })).map(m => m.id)).toEqual([a1.id, held.id])
      expect((await store.listChat(stream.id, { limit: 10, status: 'any' }))).toHaveLength(4)
      expect(await store.setChatStatus({ id: 'nope' }, 'deleted')).toEqual([])
    })
  })

  describe('deals', () => {
    it('keeps a show\'s deals, lists the open ones, and ends each once', async () => {
      const stream = await store.createLivestream({ title: 'Deals', description: '', quality: '480p' })
      const startsAt = new Date().toISOString()
      const endsAt = new Date(Date.now() + 60_000).toISOString()
      const deal = await store.createDeal({ livestreamId: stream.id, productId: 'p1', priceCents: 990, currency: 'EUR', quantity: 10, perCustomer: 2, startsAt, endsAt })
      const other = await store.createDeal({ livestreamId: stream.id, productId: 'p2', priceCents: 500, currency: 'EUR', quantity: 3, startsAt, endsAt })
      expect(deal).toMatchObject({ livestreamId: stream.id, productId: 'p1', priceCents: 990, quantity: 10, perCustomer: 2, startsAt, endsAt })
      expect(deal.endedAt).toBeUndefined()
      expect(other.perCustomer).toBeUndefined()
      expect(await store.getDeal(deal.id)).toEqual(deal)
      expect(await store.getDeal('nope')).toBeNull()
      expect((await store.listDeals({ livestreamId: stream.id })).map(d => d.id)).toEqual([deal.id, other.id])

      const at = new Date().toISOString()
      const ended = await store.endDeal(deal.id, at, 'sold_out')
      expect(ended).toMatchObject({ id: deal.id, endedAt: at, endReason: 'sold_out' })
      expect(await store.endDeal(deal.id, new Date().toISOString(), 'time')).toBeNull()
      expect((await store.getDeal(deal.id))!.endReason).toBe('sold_out')
      const open = (await store.listDeals({ open: true })).map(d => d.id)
      expect(open).toContain(other.id)
      expect(open).not.toContain(deal.id)
      await store.deleteLivestreamParts(stream.id, ['deals'])
      expect(await store.listDeals({ livestreamId: stream.id })).toEqual([])
    })

    it('reads capped counters, 0 for one never used', async () => {
      const p = await store.createProduct(product({ stock: 10 }))
      await store.placeOrder(orderOf([{ productId: p.id, name: p.name, priceCents: 990, quantity: 3 }]), [{ counter: 'deal:read-test', amount: 3, max: 10 }])
      expect(await store.readCounters(['deal:read-test', 'deal:never'])).toEqual({ 'deal:read-test': 3, 'deal:never': 0 })
    })
  })

  describe('webhook outbox', () => {
    it('enqueues, lends each due delivery to one claimer until its lease ends, and keeps every attempt', async () => {
      const at = (ms: number) => new Date(Date.parse('2030-01-01T00:00:00.000Z') + ms).toISOString()
      await store.enqueueDeliveries([
        { eventId: 'e1', type: 'livestream.started', url: 'http://a.example/hook', body: '{"id":"e1"}', createdAt: at(0) },
        { eventId: 'e1', type: 'livestream.started', url: 'http://b.example/hook', body: '{"id":"e1"}', createdAt: at(0) },
      ])
      const claimed = await store.claimDeliveries(at(1000), at(31_000), 10)
      expect(claimed.map(d => d.url).sort()).toEqual(['http://a.example/hook', 'http://b.example/hook'])
      expect(claimed[0]).toMatchObject({ eventId: 'e1', status: 'pending', attempts: 0, nextAttemptAt: at(31_000), body: '{"id":"e1"}' })
      // Lent out: nobody else gets them until the lease is over.
      expect(await store.claimDeliveries(at(2000), at(32_000), 10)).toEqual([])
      const [first, second] = claimed as [typeof claimed[0], typeof claimed[0]]
      expect(await store.updateDelivery(first.id, { status: 'delivered', attempts: 1, lastStatus: 204, lastAttemptAt: at(1500), deliveredAt: at(1500) }))
        .toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204, deliveredAt: at(1500) })
      await store.updateDelivery(second.id, { attempts: 1, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: at(11_000) })
      expect((await store.claimDeliveries(at(12_000), at(42_000), 10)).map(d => d.id)).toEqual([second.id])
      expect((await store.listDeliveries(10)).slice(0, 2).map(d => d.id).sort()).toEqual([first.id, second.id].sort())
      expect(await store.getDelivery('nope')).toBeNull()
    })

    it('writes an order\'s deliveries with the order, and none when the order is refused', async () => {
      const p = await store.createProduct(product({ stock: 1 }))
      const delivery = (eventId: string) => ({ eventId, type: 'order.created', url: 'http://a.example/hook', body: `{"id":"${eventId}"}`, createdAt: now() })
      expect((await store.placeOrder(orderOf([{ productId: p.id, name: p.name, priceCents: 100, quantity: 1 }]), [], [delivery('won')])).ok).toBe(true)
      expect((await store.placeOrder(orderOf([{ productId: p.id, name: p.name, priceCents: 100, quantity: 1 }]), [], [delivery('lost')])).ok).toBe(false)
      const events = (await store.listDeliveries(50)).map(d => d.eventId)
      expect(events).toContain('won')
      expect(events).not.toContain('lost')
    })
  })

  describe('reminders and the mail outbox', () => {
    const at = (ms: number) => new Date(Date.parse('2031-01-01T00:00:00.000Z') + ms).toISOString()
    const reminder = (email: string, livestreamId = 'show-r') => ({ livestreamId, email, locale: 'de', origin: 'https://live.example.com', createdAt: now() })
    const mail = (key: string, extra: Partial<Parameters<Store['enqueueMails']>[0][number]> = {}) =>
      ({ key, recipient: 'r@example.com', subject: 'S', text: 'T', html: '<p>T</p>', headers: { 'List-Unsubscribe': '<https://x/u>' }, createdAt: at(0), ...extra })

    it('keeps one reminder per show and address, even asked for at the same moment, confirms it and counts them', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => store.addReminder(reminder('same@example.com'))))
      expect(answers.filter(answer => answer.created)).toHaveLength(1)
      expect(new Set(answers.map(answer => answer.reminder.id)).size).toBe(1)
      const { reminder: kept } = answers[0]!
      expect(kept).toMatchObject({ email: 'same@example.com', locale: 'de', status: 'pending', origin: 'https://live.example.com' })
      await store.addReminder(reminder('other@example.com'))
      await store.addReminder(reminder('same@example.com', 'another-show'))
      expect(await store.countReminders('show-r')).toEqual({ pending: 2, confirmed: 0 })
      const confirmed = await store.confirmReminder(kept.id, at(5))
      expect(confirmed).toMatchObject({ status: 'confirmed', confirmedAt: at(5) })
      expect(await store.confirmReminder(kept.id, at(9))).toMatchObject({ confirmedAt: at(5) })
      expect(await store.countReminders('show-r')).toEqual({ pending: 1, confirmed: 1 })
      expect((await store.listConfirmedReminders('show-r', { limit: 10 })).map(r => r.id)).toEqual([kept.id])
      expect(await store.listConfirmedReminders('show-r', { after: kept.id, limit: 10 })).toEqual([])
      expect(await store.getReminder('nope')).toBeNull()
      expect(await store.confirmReminder('nope', at(1))).toBeNull()
    })

    it('queues a mail key once, leases due mails, and drops the unsent mails of a removed reminder', async () => {
      const { reminder: r } = await store.addReminder(reminder('gone@example.com', 'show-m'))
      const queued = await Promise.all([
        store.enqueueMails([mail('live:1', { reminderId: r.id, livestreamId: 'show-m' }), mail('live:2')]),
        store.enqueueMails([mail('live:1', { reminderId: r.id, livestreamId: 'show-m' })]),
      ])
      expect(queued.flat().sort()).toEqual(['live:1', 'live:2'])
      const claimed = await store.claimMails(at(1000), at(31_000), 10)
      expect(claimed.map(m => m.key).sort()).toEqual(['live:1', 'live:2'])
      expect(claimed.find(m => m.key === 'live:2')).toMatchObject({ recipient: 'r@example.com', headers: { 'List-Unsubscribe': '<https://x/u>' }, status: 'pending', attempts: 0 })
      expect(await store.claimMails(at(2000), at(32_000), 10)).toEqual([])
      const second = claimed.find(m => m.key === 'live:2')!
      await store.updateMail(second.id, { status: 'sent', attempts: 1, sentAt: at(1500) })
      expect(await store.getMailByKey('live:2')).toMatchObject({ status: 'sent', sentAt: at(1500) })
      expect(await store.deleteReminder(r.id)).toBe(true)
      expect(await store.getMailByKey('live:1')).toBeNull()
      expect(await store.getReminder(r.id)).toBeNull()
      expect(await store.deleteReminder(r.id)).toBe(false)
      expect(await store.claimMails(at(40_000), at(70_000), 10)).toEqual([])
    })
  })

  describe('imports and stock by SKU', () => {
    it('creates or updates by SKU in one step, leaves other products alone, and sets stock by SKU', async () => {
      const kept = await store.createProduct(product({ name: 'Untouched', sku: `KEEP-${Date.now()}` }))
      const sku = (n: number) => `IMP-${kept.id}-${n}`
      const first = await store.upsertProductsBySku([1, 2, 3].map(n => ({ ...product({ name: `Shade ${n}`, stock: n }), sku: sku(n) })))
      expect(first.created).toHaveLength(3)
      expect(first.updated).toEqual([])
      const again = await store.upsertProductsBySku([{ ...product({ name: 'Shade 2, renamed', priceCents: 1999, stock: 7 }), sku: sku(2) }, { ...product({ name: 'Shade 4' }), sku: sku(4) }])
      expect(again.updated).toEqual([first.created[1]])
      expect(again.created).toHaveLength(1)
      expect((await store.getProducts([first.created[1]!]))[0]).toMatchObject({ name: 'Shade 2, renamed', priceCents: 1999, stock: 7, sku: sku(2) })
      expect((await store.listProducts()).filter(p => p.sku?.startsWith(`IMP-${kept.id}`))).toHaveLength(4)
      expect((await store.getProducts([kept.id]))[0]).toMatchObject({ name: 'Untouched', stock: 5 })

      const stock = await store.setStockBySku([{ sku: sku(1), stock: 40 }, { sku: 'NO-SUCH-SKU', stock: 1 }, { sku: sku(3), stock: 0 }])
      expect(stock.updated.sort()).toEqual([first.created[0]!, first.created[2]!].sort())
      expect(stock.unknown).toEqual(['NO-SUCH-SKU'])
      expect((await store.getProducts([first.created[0]!, first.created[2]!])).map(p => p.stock)).toEqual([40, 0])
    })
  })

  describe('purchases made elsewhere', () => {
    it('records each order id once, whoever reports it and however often, and deletes them with the show', async () => {
      const stream = await store.createLivestream({ title: 'Attributed', description: '', quality: '480p' })
      const purchase = (orderId: string, livestreamId = stream.id) => ({ livestreamId, orderId, totalCents: 4800, currency: 'EUR', items: [{ sku: 'LIP-ROSE', quantity: 2, priceCents: 2400 }], createdAt: now() })
      const answers = await Promise.all(Array.from({ length: 6 }, () => store.addAttribution(purchase('shop-1001'))))
      expect(answers.filter(Boolean)).toHaveLength(1)
      expect(await store.addAttribution(purchase('shop-1001', 'another-show'))).toBe(false)
      expect(await store.addAttribution(purchase('shop-1002'))).toBe(true)
      const kept = await store.listAttributions(stream.id)
      expect(kept.map(a => a.orderId)).toEqual(['shop-1001', 'shop-1002'])
      expect(kept[0]).toMatchObject({ totalCents: 4800, currency: 'EUR', items: [{ sku: 'LIP-ROSE', quantity: 2, priceCents: 2400 }] })
      expect(await store.listAttributions('another-show')).toEqual([])
      await store.deleteLivestreamParts(stream.id, ['attributions'])
      expect(await store.listAttributions(stream.id)).toEqual([])
    })
  })

  describe('a customer\'s data', () => {
    it('finds a customer\'s orders, chat lines and reminders, erases them in one step, and keeps the audit record', async () => {
      const ada = await store.createUser({ email: 'ada.erase@example.com', role: 'customer', displayName: 'Ada', deviceId: 'dev-ada', signupAddress: '198.51.100.9' })
      const other = await store.createUser({ role: 'customer', displayName: 'Other' })
      const stream = await store.createLivestream({ title: 'Erase', description: '', quality: '480p' })
      const p = await store.createProduct(product({ stock: 10 }))
      const item = [{ productId: p.id, name: p.name, priceCents: 100, quantity: 1 }]
      const mine = orderOf(item, { userId: ada.id, livestreamId: stream.id })
      expect((await store.placeOrder(mine)).ok).toBe(true)
      expect((await store.placeOrder(orderOf(item, { userId: other.id, livestreamId: stream.id }))).ok).toBe(true)
      const line = await store.appendChat({ livestreamId: stream.id, userId: ada.id, displayName: 'Ada', role: 'customer', message: 'love it', createdAt: now() })
      await store.appendChat({ livestreamId: stream.id, userId: other.id, displayName: 'Other', role: 'customer', message: 'me too', createdAt: now() })
      await store.appendModeration({ livestreamId: stream.id, moderatorId: 'm1', moderatorName: 'Mo', action: 'timeout', targetUserId: ada.id, targetName: 'Ada', createdAt: now() })
      const { reminder } = await store.addReminder({ livestreamId: stream.id, email: 'ada.erase@example.com', locale: 'en', origin: 'https://x', createdAt: now() })
      await store.enqueueMails([{ key: `erase:${reminder.id}`, recipient: 'ada.erase@example.com', subject: 'S', text: 'T', html: 'H', headers: {}, reminderId: reminder.id, createdAt: now() }])

      await store.addFunnelEvents([
        { livestreamId: stream.id, sessionId: 'sess-ada', productId: p.id, type: 'product_click', at: now(), userId: ada.id },
        { livestreamId: stream.id, sessionId: 'sess-anon', productId: p.id, type: 'product_click', at: now() },
      ])
      expect((await store.listFunnelEventsOfUser(ada.id)).map(row => [row.sessionId, row.userId])).toEqual([['sess-ada', ada.id]])
      expect((await store.listOrders({ userId: ada.id })).map(order => order.id)).toEqual([mine.id])
      await store.createSession({ id: newId(), userId: ada.id, createdAt: now(), expiresAt: new Date(Date.now() + 3600_000).toISOString() })
      expect((await store.listSessionsOf(ada.id)).map(session => session.userId)).toEqual([ada.id])
      expect((await store.listChatOfUser(ada.id)).map(chat => chat.id)).toEqual([line.id])
      expect((await store.listRemindersOf('ada.erase@example.com')).map(r => r.id)).toEqual([reminder.id])

      const erased = { displayName: 'Deleted user', shipping: { name: 'Deleted customer', email: 'deleted@invalid', address: '' } }
      expect(await store.eraseUser(ada.id, 'ada.erase@example.com', erased)).toBe(true)
      expect(await store.getUser(ada.id)).toBeNull()
      expect(await store.findUserByEmail('ada.erase@example.com')).toBeNull()
      const [kept] = await store.listOrders({ userId: ada.id })
      expect(kept).toMatchObject({ id: mine.id, totalCents: 100, shipping: erased.shipping })
      expect((await store.listOrders({ userId: other.id }))[0]!.shipping).toEqual(shipping)
      const chat = await store.listChat(stream.id, { limit: 10 })
      expect(chat.map(m => [m.message, m.displayName])).toEqual([['love it', 'Deleted user'], ['me too', 'Other']])
      expect((await store.listModeration(stream.id))[0]).toMatchObject({ targetUserId: ada.id, targetName: 'Deleted user' })
      expect(await store.listRemindersOf('ada.erase@example.com')).toEqual([])
      // Still counted in the show's funnel, no longer linked to anyone.
      expect(await store.listFunnelEventsOfUser(ada.id)).toEqual([])
      expect((await store.listFunnelEvents(stream.id)).map(row => row.sessionId).sort()).toEqual(['sess-ada', 'sess-anon'])
      expect(await store.getMailByKey(`erase:${reminder.id}`)).toBeNull()
      expect(await store.eraseUser(ada.id, undefined, erased)).toBe(false)

      const first = await store.appendAudit({ actorId: 'admin1', actorName: 'Boss', action: 'customer.exported', targetUserId: ada.id, createdAt: now() })
      const second = await store.appendAudit({ actorId: 'admin1', actorName: 'Boss', action: 'customer.erased', targetUserId: ada.id, createdAt: now() })
      expect((await store.listAudit(10)).slice(0, 2)).toEqual([second, first])
    })
  })

  describe('moderation', () => {
    it('keeps every action of a show in order, and deletes them with it', async () => {
      const stream = await store.createLivestream({ title: 'Record', description: '', quality: '480p' })
      const until = new Date(Date.now() + 60_000).toISOString()
      const first = await store.appendModeration({ livestreamId: stream.id, moderatorId: 'm1', moderatorName: 'Mo', action: 'timeout', targetUserId: 'u1', targetName: 'Ann', until, createdAt: now() })
      const second = await store.appendModeration({ livestreamId: stream.id, moderatorId: 'm1', moderatorName: 'Mo', action: 'ban', targetUserId: 'u2', targetName: 'Bob', deviceId: 'd2', address: '198.51.100.7', details: { deleted: 3 }, createdAt: now() })
      await store.appendModeration({ livestreamId: 'another', moderatorId: 'm1', moderatorName: 'Mo', action: 'settings', details: { slowModeSeconds: 10 }, createdAt: now() })
      expect(first).toMatchObject({ action: 'timeout', until, targetUserId: 'u1' })
      const listed = await store.listModeration(stream.id)
      expect(listed).toEqual([first, second])
      expect(listed[1]).toMatchObject({ deviceId: 'd2', address: '198.51.100.7', details: { deleted: 3 } })
      await store.deleteLivestreamParts(stream.id, ['moderation'])
      expect(await store.listModeration(stream.id)).toEqual([])
    })

    it('keeps a show\'s chat settings', async () => {
      const stream = await store.createLivestream({ title: 'Settings', description: '', quality: '480p' })
      const chatSettings = { slowModeSeconds: 30, blockedWords: ['spam', 'çok kötü'], holdLinks: true }
      expect((await store.updateLivestream(stream.id, { chatSettings }))!.chatSettings).toEqual(chatSettings)
      expect((await store.getLivestream(stream.id))!.chatSettings).toEqual(chatSettings)
    })
  })

  describe('products', () => {
    it('creates, lists, updates and soft-deletes', async () => {
      const created = await store.createProduct(product({ name: 'Lip oil', sku: 'LIP-1', imageUrl: '/uploads/images/x.png' }))
      expect(created).toMatchObject({ name: 'Lip oil', description: '', priceCents: 2900, currency: 'EUR', stock: 5, sku: 'LIP-1' })
      expect((await store.listProducts()).map(p => p.id)).toContain(created.id)
      const updated = await store.updateProduct(created.id, { priceCents: 3100, sku: null, imageUrl: null })
      expect(updated).toMatchObject({ priceCents: 3100 })
      expect(updated!.sku).toBeUndefined()
      expect(updated!.imageUrl).toBeUndefined()
      expect(await store.deleteProduct(created.id, now())).toBe(true)
      expect(await store.deleteProduct(created.id, now())).toBe(false)
      expect((await store.listProducts()).map(p => p.id)).not.toContain(created.id)
      expect(await store.getProducts([created.id])).toEqual([])
      expect(await store.getProducts([created.id], { includeDeleted: true })).toHaveLength(1)
      expect(await store.updateProduct(created.id, { name: 'x' })).toBeNull()
    })
  })

  describe('orders', () => {
    it('takes the stock of every item and keeps the order', async () => {
      const p = await store.createProduct(product({ stock: 3, priceCents: 1000 }))
      const order = orderOf([{ productId: p.id, name: 'Glow serum', priceCents: 1000, quantity: 2 }], { livestreamId: 'ls1' })
      expect(await store.placeOrder(order)).toEqual({ ok: true })
      expect((await store.getProducts([p.id]))[0]!.stock).toBe(1)
      expect(await store.listOrders({ livestreamId: 'ls1' })).toEqual([order])
    })

    it('takes nothing when any item is short, and says what each product has', async () => {
      const a = await store.createProduct(product({ stock: 5 }))
      const b = await store.createProduct(product({ stock: 1 }))
      const gone = await store.createProduct(product({ stock: 9 }))
      await store.deleteProduct(gone.id, now())
      const items = [{ productId: a.id, name: 'A', priceCents: 1, quantity: 2 }, { productId: b.id, name: 'B', priceCents: 1, quantity: 2 }]
      expect(await store.placeOrder(orderOf(items))).toEqual({ ok: false, stock: { [a.id]: 5, [b.id]: 1 }, used: {} })
      expect((await store.getProducts([a.id, b.id])).map(p => p.stock)).toEqual([5, 1])
      expect(await store.placeOrder(orderOf([{ productId: gone.id, name: 'G', priceCents: 1, quantity: 1 }]))).toEqual({ ok: false, stock: { [gone.id]: 0 }, used: {} })
      expect(await store.listOrders({})).not.toContainEqual(expect.objectContaining({ userId: 'u1', items }))
    })

    it('lets only one of many concurrent orders have the last item', async () => {
      const last = await store.createProduct(product({ stock: 1 }))
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        store.placeOrder(orderOf([{ productId: last.id, name: 'L', priceCents: 1, quantity: 1 }], { userId: `u${i}` }))))
      expect(results.filter(r => r.ok)).toHaveLength(1)
      expect(results.filter(r => !r.ok)).toHaveLength(9)
      expect((await store.getProducts([last.id]))[0]!.stock).toBe(0)
    })
  })

  describe('capped counters', () => {
    it('takes a cap with the order only while its counter stays within the ceiling', async () => {
      const p = await store.createProduct(product({ stock: 50 }))
      const items = (quantity: number) => [{ productId: p.id, name: 'P', priceCents: 1, quantity }]
      const cap = (amount: number) => ({ counter: `units:show-1:${p.id}:user:u1`, amount, max: 5, livestreamId: 'show-1' })
      expect(await store.placeOrder(orderOf(items(3)), [cap(3)])).toEqual({ ok: true })
      expect(await store.placeOrder(orderOf(items(3)), [cap(3)])).toEqual({ ok: false, stock: { [p.id]: 47 }, used: { [cap(3).counter]: 3 } })
      expect(await store.placeOrder(orderOf(items(2)), [cap(2)])).toEqual({ ok: true })
      // A cap larger than its ceiling on its own never takes anything.
      expect((await store.placeOrder(orderOf(items(6)), [{ ...cap(6), counter: 'units:show-1:other' }])).ok).toBe(false)
      expect((await store.getProducts([p.id]))[0]!.stock).toBe(45)
    })

    it('lets concurrent orders take no more than the ceiling between them', async () => {
      const p = await store.createProduct(product({ stock: 50 }))
      const results = await Promise.all(Array.from({ length: 10 }, () => store.placeOrder(
        orderOf([{ productId: p.id, name: 'P', priceCents: 1, quantity: 1 }]),
        [{ counter: `units:show-2:${p.id}:address:a`, amount: 1, max: 4, livestreamId: 'show-2' }],
      )))
      expect(results.filter(r => r.ok)).toHaveLength(4)
      expect((await store.getProducts([p.id]))[0]!.stock).toBe(46)
    })

    it('goes with its show', async () => {
      const p = await store.createProduct(product({ stock: 5 }))
      const counter = `units:show-3:${p.id}:user:u`
      const order = () => orderOf([{ productId: p.id, name: 'P', priceCents: 1, quantity: 1 }])
      await store.placeOrder(order(), [{ counter, amount: 1, max: 1, livestreamId: 'show-3' }])
      expect((await store.placeOrder(order(), [{ counter, amount: 1, max: 1, livestreamId: 'show-3' }])).ok).toBe(false)
      await store.deleteLivestreamParts('show-3', ['caps'])
      expect(await store.placeOrder(order(), [{ counter, amount: 1, max: 1, livestreamId: 'show-3' }])).toEqual({ ok: true })
    })
  })

  describe('views and counter times', () => {
    it('counts replay views apart from live ones, and keeps when the counters last changed', async () => {
      const stream = await store.createLivestream({ title: 'V', description: '', quality: '480p' })
      expect(await store.addView(stream.id, 'session-live1', '2030-01-01T00:00:01.000Z')).toBe(1)
      expect(await store.addView(stream.id, 'session-live1', '2030-01-01T00:00:02.000Z', 'replay')).toBe(1)
      expect(await store.addView(stream.id, 'session-live1', '2030-01-01T00:00:03.000Z', 'replay')).toBe(1)
      expect(await store.addLikes(stream.id, 2, '2030-01-01T00:00:04.000Z')).toBe(2)
      expect(await store.getLivestream(stream.id)).toMatchObject({ viewCount: 1, replayViews: 1, likes: 2, countersAt: '2030-01-01T00:00:04.000Z' })
      expect(await store.setCurrentViewers(stream.id, 3, '2030-01-01T00:00:05.000Z')).toMatchObject({ currentViewers: 3, countersAt: '2030-01-01T00:00:05.000Z' })
    })
  })

  describe('sessions', () => {
    it('keeps sessions, and ends one or all of a user\'s', async () => {
      const at = '2030-01-01T00:00:00.000Z'
      const week = '2030-01-08T00:00:00.000Z'
      const [a, b, c] = [newId(), newId(), newId()]
      await store.createSession({ id: a, userId: 'user-1', createdAt: at, expiresAt: week })
      await store.createSession({ id: b, userId: 'user-1', createdAt: at, expiresAt: week })
      await store.createSession({ id: c, userId: 'user-2', createdAt: at, expiresAt: week })
      expect(await store.getSession(a)).toEqual({ id: a, userId: 'user-1', createdAt: at, expiresAt: week })
      expect(await store.revokeSessions({ id: a }, '2030-01-01T01:00:00.000Z')).toBe(1)
      expect((await store.getSession(a))!.revokedAt).toBe('2030-01-01T01:00:00.000Z')
      expect(await store.revokeSessions({ userId: 'user-1' }, '2030-01-01T02:00:00.000Z')).toBe(1)
      expect((await store.getSession(b))!.revokedAt).toBe('2030-01-01T02:00:00.000Z')
      expect((await store.getSession(c))!.revokedAt).toBeUndefined()
      expect(await store.getSession('ffffffffffffffffffffffff')).toBeNull()
    })
  })

  describe('analytics samples', () => {
    it('stores samples in time order', async () => {
      await store.addSample({ livestreamId: 's1', at: '2030-01-01T00:00:10.000Z', currentViewers: 4, likes: 9, viewCount: 5 })
      await store.addSample({ livestreamId: 's1', at: '2030-01-01T00:00:00.000Z', currentViewers: 1, likes: 0, viewCount: 1 })
      expect(await store.listSamples('s1')).toEqual([
        { livestreamId: 's1', at: '2030-01-01T00:00:00.000Z', currentViewers: 1, likes: 0, viewCount: 1 },
        { livestreamId: 's1', at: '2030-01-01T00:00:10.000Z', currentViewers: 4, likes: 9, viewCount: 5 },
      ])
    })
  })

  describe('on-air items and their responses', () => {
    it('changes an item only from the statuses named, keeps one vote per account (the newest) and one entry per account and per browser', async () => {
      const show = await store.createLivestream({ title: 'On air', description: '', quality: '480p' })
      const id = newId()
      await store.createOnAir({ id, livestreamId: show.id, kind: 'poll', status: 'open', userId: 'host', data: { question: 'Q', options: ['a', 'b'] }, createdAt: '2030-01-01T00:00:00.000Z', endsAt: '2030-01-01T00:01:00.000Z' })
      expect(await store.getOnAir(id)).toMatchObject({ id, kind: 'poll', status: 'open', data: { options: ['a', 'b'] }, endsAt: '2030-01-01T00:01:00.000Z' })
      expect(await store.updateOnAir(id, { status: 'ended', endedAt: '2030-01-01T00:00:30.000Z' }, ['draft'])).toBeNull()
      const vote = (userId: string, value: number) => store.respondOnAir({ itemId: id, livestreamId: show.id, userId, displayName: userId, value, at: '2030-01-01T00:00:05.000Z' }, 'replace')
      await vote('u1', 0)
      await vote('u2', 1)
      await vote('u1', 1)
      expect(await store.countOnAirResponses(id)).toEqual({ 1: 2 })
      expect(await store.updateOnAir(id, { status: 'ended', endedAt: '2030-01-01T00:00:30.000Z' }, ['open'])).toMatchObject({ status: 'ended', endedAt: '2030-01-01T00:00:30.000Z' })
      expect(await store.updateOnAir(id, { status: 'ended' }, ['open'])).toBeNull()

      const giveaway = newId()
      await store.createOnAir({ id: giveaway, livestreamId: show.id, kind: 'giveaway', status: 'open', userId: 'host', data: {}, createdAt: '2030-01-01T00:02:00.000Z' })
      const enter = (userId: string, deviceId?: string) => store.respondOnAir({ itemId: giveaway, livestreamId: show.id, userId, displayName: userId, ...(deviceId ? { deviceId } : {}), value: 1, at: '2030-01-01T00:02:05.000Z' }, 'once')
      const kept = await Promise.all([enter('g1', 'browser-1'), enter('g2', 'browser-1'), enter('g1', 'browser-2'), enter('g3'), enter('g3'), enter('g4', 'browser-3')])
      expect(kept.filter(Boolean)).toHaveLength(3)
      // browser-1's first entrant (g1 or g2, whichever landed first), g3 once, g4.
      const entrants = (await store.listOnAirResponses(giveaway)).map(entry => entry.userId).sort()
      expect(entrants.slice(1)).toEqual(['g3', 'g4'])
      expect(entrants[0]).toMatch(/^g[12]$/)
      expect((await store.listOnAir(show.id)).map(item => item.kind)).toEqual(['poll', 'giveaway'])
      expect((await store.listOnAir(show.id, 'giveaway')).map(item => item.id)).toEqual([giveaway])
      expect((await store.onAirResponsesOf(show.id, 'u1')).map(response => [response.itemId, response.value])).toEqual([[id, 1]])

      await store.deleteLivestreamParts(show.id, ['onAir', 'onAirResponses'])
      expect(await store.listOnAir(show.id)).toEqual([])
      expect(await store.listOnAirResponses(giveaway)).toEqual([])
    })
  })

  describe('clips and restream destinations', () => {
    it('keeps a show\'s clips and destinations in order, finds a clip by id, removes a destination once, and deletes both with the show', async () => {
      const show = await store.createLivestream({ title: 'Clipped', description: '', quality: '480p' })
      const clip = { id: newId(), livestreamId: show.id, title: 'Serum · Clipped', videoUrl: '/uploads/videos/a.webm', thumbnailUrl: '/uploads/thumbnails/a.jpg', productId: 'p1', startSeconds: 12.5, endSeconds: 42, createdAt: '2030-01-01T00:00:00.000Z' }
      await store.addClip(clip)
      await store.addClip({ ...clip, id: newId(), title: 'Range', productId: undefined, thumbnailUrl: undefined })
      expect(await store.getClip(clip.id)).toEqual(clip)
      expect((await store.listClips(show.id)).map(one => one.title)).toEqual(['Serum · Clipped', 'Range'])
      expect(await store.getClip(newId())).toBeNull()

      const destination = { id: newId(), livestreamId: show.id, name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2', keyCipher: 'iv.tag.body', createdAt: '2030-01-01T00:00:00.000Z' }
      await store.addDestination(destination)
      expect(await store.listDestinations(show.id)).toEqual([destination])
      expect(await store.deleteDestination('another-show', destination.id)).toBe(false)
      expect(await store.deleteDestination(show.id, destination.id)).toBe(true)
      expect(await store.deleteDestination(show.id, destination.id)).toBe(false)
      await store.addDestination({ ...destination, id: newId() })

      await store.deleteLivestreamParts(show.id, ['clips', 'destinations'])
      expect(await store.listClips(show.id)).toEqual([])
      expect(await store.listDestinations(show.id)).toEqual([])
    })
  })
})
