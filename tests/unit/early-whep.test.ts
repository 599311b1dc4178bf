import { describe, expect, it, vi } from 'vitest'
import { deferredEntryScript, EARLY_P2P_KEY, EARLY_WHEP_KEY } from '../../shared/utils/early-entry'
import { earlyP2pScript } from '../../utils/early-p2p'
import { earlyProgress } from '../../utils/early-picture'
import { earlyWhepScript } from '../../utils/early-whep'
import { EMBED_TOKEN_KEY } from '../../utils/embed-auth'
import { peekEarlySession, takeEarlySession } from '../../utils/early-session'

describe('the early WHEP script of a live page', () => {
  it('carries its values as JSON that cannot end the <script> it sits in, and only the page\'s own globals', () => {
    const script = earlyWhepScript('/api/livestreams/abc/whep', [{ urls: 'turn:turn.example.com', username: '</script><script>alert(1)</script>', credential: 'x' }], true)
    expect(script).not.toMatch(/<\/script/i)
    expect(script).toContain('"/api/livestreams/abc/whep"')
    expect(script).toContain('\\u003c/script>')
    // It is a function called at once, with nothing of the app's modules in it.
    expect(script).toMatch(/^\(function \w+\(url, iceServers, hls, key, progressOf, cannotReach, unansweredMs\) \{/)
    expect(script).toMatch(/,function \w+\(connection, unansweredMs\) \{[^]*getStats[^]*\},1000\)$/)
    expect(script).not.toMatch(/\brequire\(|\bimport\b/)
  })

  it('ends the app\'s wait for its picture once the answered session has no candidate of its own to connect from', async () => {
    vi.useFakeTimers()
    const holder = globalThis as Record<string, unknown>
    class NoCandidates extends EventTarget {
      connectionState = 'new'
      iceGatheringState = 'complete'
      localDescription = { sdp: 'v=0 offer' }
      remoteDescription: unknown = null
      addTransceiver() {}
      async setLocalDescription() {}
      async setRemoteDescription(answer: unknown) {
        this.remoteDescription = answer
      }

      async getStats() {
        return new Map()
      }
    }
    vi.stubGlobal('RTCPeerConnection', NoCandidates)
    vi.stubGlobal('fetch', async () => new Response('v=0 answer', { status: 201, headers: { location: '/session/1' } }))
    try {
      new Function(earlyWhepScript('/api/livestreams/abc/whep', [], true))()
      const early = holder[EARLY_WHEP_KEY] as { pictured: Promise<void>, unreachable: Promise<void>, signaled: Promise<void> }
      const settled: string[] = []
      void early.pictured.then(() => settled.push('pictured'))
      void early.unreachable.then(() => settled.push('unreachable'))
      void early.signaled.then(() => settled.push('signaled'))
      await vi.advanceTimersByTimeAsync(100)
      expect(settled).toEqual([])
      // The offer waits up to 150 ms for a candidate (none comes), and the answer comes at once;
      // the first look, 250 ms after the answer, shows no candidate to connect from: a session
      // that cannot connect is done signaling too.
      await vi.advanceTimersByTimeAsync(400)
      expect(settled.sort()).toEqual(['pictured', 'signaled', 'unreachable'])
    }
    finally {
      vi.unstubAllGlobals()
      vi.useRealTimers()
      holder[EARLY_WHEP_KEY] = undefined
    }
  })

  it('and a p2p show\'s: its id, the ICE servers, and where the viewer session id is kept', () => {
    const script = earlyP2pScript('abc', [{ urls: 'turn:turn.example.com', username: '</script>', credential: 'x' }])
    expect(script).not.toMatch(/<\/script/i)
    expect(script).toMatch(/^\(function \w+\(livestreamId, iceServers, sessionKey, key, progressOf, signedInKey\) \{/)
    expect(script).toContain('"abc"')
    expect(script).toContain('"wrencos:viewer-session"')
    expect(script).toContain(JSON.stringify(EARLY_P2P_KEY))
    // The early player's part comes along as a function of its own, in the script.
    expect(script).toMatch(/,function \w+\(kind\) \{[^]*requestVideoFrameCallback/)
    expect(script).not.toMatch(/\brequire\(|\bimport\b/)
  })

  it('opens the show\'s socket, but not in an embedded player whose guest is signed in (the app signs that one)', () => {
    const opened: string[] = []
    const storage = (entries: Record<string, string>) => ({ getItem: (key: string) => entries[key] ?? null, setItem: (key: string, value: string) => void (entries[key] = value) })
    vi.stubGlobal('WebSocket', function WebSocket(url: string) {
      opened.push(url)
    })
    const connections: RTCConfiguration[] = []
    vi.stubGlobal('RTCPeerConnection', function RTCPeerConnection(this: object, configuration: RTCConfiguration) {
      connections.push(configuration)
    })
    vi.stubGlobal('location', { protocol: 'http:', host: 'localhost:3000' })
    const kept: Record<string, string> = {}
    vi.stubGlobal('localStorage', storage(kept))
    const holder = globalThis as Record<string, unknown>
    try {
      vi.stubGlobal('sessionStorage', storage({ [EMBED_TOKEN_KEY]: 'a guest\'s token' }))
      new Function(earlyP2pScript('abc', [], EMBED_TOKEN_KEY))()
      expect(opened).toEqual([])
      expect(connections).toEqual([])
      expect(holder[EARLY_P2P_KEY]).toBeUndefined()

      vi.stubGlobal('sessionStorage', storage({}))
      new Function(earlyP2pScript('abc', [], EMBED_TOKEN_KEY))()
      // Registered, and asking for video, in the socket's address (server/realtime/opening-frames.ts).
      const sessionId = Object.values(kept)[0]!
      expect(opened).toEqual([`ws://localhost:3000/_ws?register=abc&session=${sessionId}&video=p2p`])
      expect(holder[EARLY_P2P_KEY]).toMatchObject({ livestreamId: 'abc', sessionId, asked: true })
      // The connection for the studio's offer is made beside the socket, not once the offer is in.
      expect(connections).toEqual([{ iceServers: [] }])
      expect((holder[EARLY_P2P_KEY] as { spare?: unknown }).spare).toBeDefined()
    }
    finally {
      vi.unstubAllGlobals()
      holder[EARLY_P2P_KEY] = undefined
    }
  })
})

describe('the app\'s entry on a live page with an early session', () => {
  /**
   * Runs the entry script with the early session that `pictured` and `signaled` make on the window;
   * answers, by fake time, when it loaded the app and when it asked for its modules.
   */
  async function entryTimes(pictured?: () => Promise<void>, key = EARLY_WHEP_KEY, signaled?: () => Promise<void>) {
    vi.useFakeTimers()
    const early = pictured && { pictured: pictured(), ...(signaled ? { signaled: signaled() } : {}) }
    const script = deferredEntryScript('/_nuxt/entry.js', ['/_nuxt/a.js', '/_nuxt/b.js'])
    expect(script).toContain('import("/_nuxt/entry.js")')
    let loaded: number | undefined
    const hinted: { at: number, rel: string, as: string, href: string }[] = []
    const start = Date.now()
    const document = {
      createElement: () => ({}),
      head: { append: (link: { rel: string, as: string, href: string }) => hinted.push({ at: Date.now() - start, rel: link.rel, as: link.as, href: link.href }) },
    }
    const run = new Function('window', 'performance', 'load', 'document', `return (async () => { ${script.replace('import(', 'load(')} })()`)
    const done = run({ [key]: early }, { now: () => Date.now() - start }, () => (loaded = Date.now() - start), document)
    await vi.advanceTimersByTimeAsync(3000)
    await done
    vi.useRealTimers()
    return { loaded, hinted }
  }
  const loadedAt = async (pictured?: () => Promise<void>, key = EARLY_WHEP_KEY) => (await entryTimes(pictured, key)).loaded

  it('loads at once where there is no early session', async () => {
    expect(await loadedAt(undefined)).toBe(0)
  })

  it('waits for the early picture, and no longer than 2 s after the page opened', async () => {
    expect(await loadedAt(() => new Promise(resolve => setTimeout(resolve, 300)))).toBe(300)
    expect(await loadedAt(() => new Promise(() => {}))).toBe(2000)
    // A p2p show's page waits for its early picture the same way.
    expect(await loadedAt(() => new Promise(resolve => setTimeout(resolve, 300)), EARLY_P2P_KEY)).toBe(300)
  })

  it('asks for the app\'s modules once the session has signaled, so an offer never queues behind them, and at the latest with the app', async () => {
    const later = (ms: number) => () => new Promise<void>(resolve => setTimeout(resolve, ms))
    const signaledAt120 = await entryTimes(later(900), EARLY_WHEP_KEY, later(120))
    expect(signaledAt120.hinted).toEqual([
      { at: 120, rel: 'prefetch', as: 'script', href: '/_nuxt/a.js' },
      { at: 120, rel: 'prefetch', as: 'script', href: '/_nuxt/b.js' },
    ])
    expect(signaledAt120.loaded).toBe(900)
    expect((await entryTimes(later(900), EARLY_P2P_KEY, later(250))).hinted.map(hint => hint.at)).toEqual([250, 250])
    // A session still signaling when its picture comes (or the app's wait ends): asked for with the app, once.
    expect((await entryTimes(later(400), EARLY_WHEP_KEY, () => new Promise(() => {}))).hinted.map(hint => hint.at)).toEqual([400, 400])
    expect((await entryTimes(() => new Promise(() => {}), EARLY_P2P_KEY, () => new Promise(() => {}))).hinted.map(hint => hint.at)).toEqual([2000, 2000])
    // No early session: at once.
    expect((await entryTimes(undefined)).hinted.map(hint => hint.at)).toEqual([0, 0])
  })
})

describe('an early session left on the page', () => {
  it('is taken once by the player it fits, and let go when it does not fit', () => {
    const page: Record<string, unknown> = {}
    vi.stubGlobal('window', page)
    try {
      const letGo = vi.fn()
      page.key = { show: 'a' }
      expect(peekEarlySession('key')).toEqual({ show: 'a' })
      expect(takeEarlySession<{ show: string }>('key', early => early.show === 'a', letGo)).toEqual({ show: 'a' })
      expect(takeEarlySession('key', () => true, letGo)).toBeUndefined()
      expect(letGo).not.toHaveBeenCalled()

      page.key = { show: 'b' }
      expect(takeEarlySession<{ show: string }>('key', early => early.show === 'a', letGo)).toBeUndefined()
      expect(letGo).toHaveBeenCalledWith({ show: 'b' })
      expect(peekEarlySession('key')).toBeUndefined()
    }
    finally {
      vi.unstubAllGlobals()
    }
  })

  it('tells the entry when the connection is up, and gives up on a failed one, in the two scripts\' one way', async () => {
    class Connection extends EventTarget {
      connectionState = 'new'
      ontrack: unknown = null
      becomes(state: string) {
        this.connectionState = state
        this.dispatchEvent(new Event('connectionstatechange'))
      }
    }
    const settled = (promise: Promise<void>) => Promise.race([promise.then(() => true), new Promise(resolve => setTimeout(() => resolve(false), 10))])
    performance.clearMarks('wrencos:test-connected')
    const up = earlyProgress('test')
    const pc = new Connection()
    up.follow(pc as unknown as RTCPeerConnection)
    expect(typeof pc.ontrack).toBe('function')
    pc.becomes('connecting')
    expect(await settled(up.signaled)).toBe(false)
    pc.becomes('connected')
    expect(await settled(up.signaled)).toBe(true)
    // Connected is not pictured: the app still waits for the first frame.
    expect(await settled(up.pictured)).toBe(false)
    expect(performance.getEntriesByName('wrencos:test-connected')).toHaveLength(1)

    const failing = earlyProgress('test')
    const other = new Connection()
    failing.follow(other as unknown as RTCPeerConnection)
    other.becomes('failed')
    expect([await settled(failing.pictured), await settled(failing.signaled)]).toEqual([true, true])
    expect(performance.getEntriesByName('wrencos:test-connected')).toHaveLength(1)
  })
})
