import { Redis } from 'ioredis'
import { newProcessId, type Bus, type Envelope } from './bus'

const PREFIX = 'wrencos:'
const HEARTBEAT_MS = 5000
const PROCESS_TTL_S = 15

/**
 * Takes a place under KEYS[1] (a hash of places per process) if the processes still alive hold
 * fewer than ARGV[2]: counted and taken in one step, so parallel requests on several processes
 * never overbook. Processes whose heartbeat key is gone are dropped from the hash.
 */
const TAKE_SLOT = `
local counts = redis.call('HGETALL', KEYS[1])
local sum = 0
for i = 1, #counts, 2 do
  if redis.call('EXISTS', ARGV[3] .. counts[i]) == 1 then sum = sum + math.max(0, tonumber(counts[i + 1]))
  else redis.call('HDEL', KEYS[1], counts[i]) end
end
if sum >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], 86400)
return 1
`

/**
 * The bus across processes: one pub/sub channel per room (a process subscribes while it has
 * members there), and presence in Redis. Viewer counts are kept per process (`counts:<room>`,
 * field = process id) and summed over the processes whose heartbeat key is alive, so a process
 * that dies stops counting within PROCESS_TTL_S.
 */
export async function createRedisBus(url: string): Promise<Bus> {
  const processId = newProcessId()
  const commands = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 })
  const subscriber = new Redis(url, { lazyConnect: true })
  await Promise.all([commands.connect(), subscriber.connect()])
  const handlers: ((envelope: Envelope) => void)[] = []
  const alive = () => commands.set(`${PREFIX}process:${processId}`, '1', 'EX', PROCESS_TTL_S)
  await alive()
  const heartbeat = setInterval(() => alive().catch(() => {}), HEARTBEAT_MS)
  heartbeat.unref()

  const channel = (room: string) => `${PREFIX}room:${room}`
  subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    let envelope: Envelope
    try {
      envelope = JSON.parse(message.toString('utf8')) as Envelope
    }
    catch {
      return
    }
    for (const handler of handlers) handler(envelope)
  })

  /** The sum of a per-process count hash over the processes still alive; dead ones are dropped from it. */
  async function sumAlive(key: string): Promise<number> {
    const counts = await commands.hgetall(key)
    const processes = Object.keys(counts)
    if (!processes.length) return 0
    const flags = await commands.mget(processes.map(id => `${PREFIX}process:${id}`))
    let sum = 0
    const dead: string[] = []
    processes.forEach((id, index) => {
      if (flags[index]) sum += Math.max(0, Number(counts[id]))
      else dead.push(id)
    })
    if (dead.length) await commands.hdel(key, ...dead)
    return sum
  }
  const total = (room: string) => sumAlive(`${PREFIX}counts:${room}`)

  return {
    kind: 'redis',
    processId,
    presence: {
      async join(room, id, sessionId) {
        // The member's value: the process serving it, then its session id.
        const added = await commands.hset(`${PREFIX}members:${room}`, id, sessionId ? `${processId} ${sessionId}` : processId)
        if (added) await commands.hincrby(`${PREFIX}counts:${room}`, processId, 1)
        return total(room)
      },
      async leave(room, id) {
        const removed = await commands.hdel(`${PREFIX}members:${room}`, id)
        if (removed) await commands.hincrby(`${PREFIX}counts:${room}`, processId, -1)
        return total(room)
      },
      count: total,
      async isMember(room, id) {
        return (await commands.hexists(`${PREFIX}members:${room}`, id)) === 1
      },
      async sessions(room) {
        const members = Object.values(await commands.hgetall(`${PREFIX}members:${room}`)).map(value => value.split(' '))
        const processes = [...new Set(members.map(([process]) => process!))]
        if (!processes.length) return []
        const flags = await commands.mget(processes.map(id => `${PREFIX}process:${id}`))
        const alive = new Set(processes.filter((_, index) => flags[index]))
        return [...new Set(members.filter(([process, session]) => session && alive.has(process!)).map(([, session]) => session!))]
      },
      async setBroadcaster(room, id) {
        const previous = await commands.set(`${PREFIX}broadcaster:${room}`, id, 'GET')
        return previous === id ? null : previous
      },
      async clearBroadcaster(room, id) {
        // Compare-and-delete in one step, so a newer broadcaster is never cleared by an old one.
        await commands.eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, `${PREFIX}broadcaster:${room}`, id)
      },
      async broadcaster(room) {
        return commands.get(`${PREFIX}broadcaster:${room}`)
      },
    },
    slots: {
      async take(key, max) {
        return await commands.eval(TAKE_SLOT, 1, `${PREFIX}slots:${key}`, processId, max, `${PREFIX}process:`) === 1
      },
      async give(key) {
        const hash = `${PREFIX}slots:${key}`
        if (await commands.hincrby(hash, processId, -1) <= 0) await commands.hdel(hash, processId)
      },
    },
    onEnvelope(handler) {
      handlers.push(handler)
    },
    async publish(envelope) {
      await commands.publish(channel(envelope.room), JSON.stringify(envelope))
    },
    async ping() {
      await commands.ping()
    },
    async subscribe(room) {
      await subscriber.subscribe(channel(room))
    },
    async unsubscribe(room) {
      await subscriber.unsubscribe(channel(room))
    },
    async close() {
      clearInterval(heartbeat)
      await commands.del(`${PREFIX}process:${processId}`).catch(() => {})
      commands.disconnect()
      subscriber.disconnect()
    },
  }
}
