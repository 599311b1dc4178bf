import Janode from 'janode'
import { MediaError } from '../backend'

// janode's own log is chatty (a detached handle is an "error"); what matters, this module logs itself.
Janode.Logger.setLevel('none')

/** How often a lost Janus is tried again. */
const RETRY_MS = 1000

/** A janode plugin module's default export: the plugin's name and its handle class. */
export interface JanusPlugin { id: string, Handle: unknown }

/** What janode gives us of a plugin handle (its types are JSDoc, not TypeScript). */
export interface JanusHandle {
  message(body: Record<string, unknown>, jsep?: { type: string, sdp: string } | null): Promise<JanusReply>
  trickle(candidate: { candidate: string, sdpMid?: string, sdpMLineIndex?: number }): Promise<unknown>
  trickleComplete(): Promise<unknown>
  detach(): Promise<unknown>
  on(event: string, listener: (...args: unknown[]) => void): unknown
  once(event: string, listener: (...args: unknown[]) => void): unknown
}
export interface JanusReply {
  plugindata?: { data?: Record<string, unknown> & { error_code?: number, error?: string } }
  jsep?: { type: string, sdp: string }
}
interface JanusSession {
  attach(plugin: JanusPlugin): Promise<JanusHandle>
  destroy(): Promise<unknown>
  once(event: string, listener: () => void): unknown
}
interface JanusConnection {
  create(keepAliveSeconds?: number): Promise<JanusSession>
  getInfo(): Promise<unknown>
  close(): Promise<unknown>
  once(event: string, listener: (...args: unknown[]) => void): unknown
}

export const HANDLE_GONE = [Janode.EVENT.HANDLE_HANGUP, Janode.EVENT.HANDLE_DETACHED, Janode.EVENT.HANDLE_ICE_FAILED]
/** A handle's WebRTC connection is up (ICE and DTLS done): media flows to it from now on. */
export const HANDLE_UP = Janode.EVENT.HANDLE_WEBRTCUP

/** A plugin's answer, or its refusal as an error with Janus's code. */
export async function ask(handle: JanusHandle, body: Record<string, unknown>, jsep?: { type: string, sdp: string }) {
  let reply: JanusReply
  try {
    reply = await handle.message(body, jsep)
  }
  catch (error) {
    // janode turns a plugin's error event into a thrown Error: "<Janus's code> <its words>" (and `_code`, for some plugins).
    const { message, _code } = error as Error & { _code?: number }
    throw Object.assign(new Error(`janus refused ${String(body.request)}: ${message}`), { janusCode: _code ?? (Number(/^(\d{3}) /.exec(message)?.[1]) || undefined) })
  }
  const data = reply.plugindata?.data ?? {}
  if (data.error_code) throw Object.assign(new Error(`janus refused ${String(body.request)}: ${data.error}`), { janusCode: data.error_code })
  return { data, jsep: reply.jsep }
}

export const janusCode = (error: unknown) => (error as { janusCode?: number }).janusCode

/**
 * One connection and one session to Janus for this process, opened again whenever it is lost
 * (Janus restarted, the network between them failed). While it is down every call is refused as
 * `unavailable` (503 with Retry-After), so browsers try again on their own; `onLost` tells the
 * backend that every handle it held is gone with it.
 */
export class JanusLink {
  private session?: JanusSession
  private connection?: JanusConnection
  private opening?: Promise<JanusSession>
  private closed = false
  private retry?: ReturnType<typeof setTimeout>

  constructor(private readonly url: string, private readonly apiSecret: string | undefined, private readonly onLost: () => void) {}

  get up() {
    return !!this.session
  }

  /** Connects now (and keeps trying in the background if Janus is not there yet). */
  start() {
    void this.open().catch(() => {})
  }

  private open(): Promise<JanusSession> {
    if (this.session) return Promise.resolve(this.session)
    this.opening ??= (async () => {
      try {
        const connection = await Janode.connect({ address: { url: this.url, apisecret: this.apiSecret || undefined }, retry_time_secs: 1, max_retries: 1 }) as JanusConnection
        const session = await connection.create()
        connection.once(Janode.EVENT.CONNECTION_CLOSED, () => this.lost())
        connection.once(Janode.EVENT.CONNECTION_ERROR, () => this.lost())
        session.once(Janode.EVENT.SESSION_DESTROYED, () => this.lost())
        this.connection = connection
        this.session = session
        console.info(`[janus] connected to ${this.url}`)
        return session
      }
      catch (error) {
        this.scheduleRetry()
        throw error
      }
      finally {
        this.opening = undefined
      }
    })()
    return this.opening
  }

  private scheduleRetry() {
    if (this.closed || this.retry) return
    this.retry = setTimeout(() => {
      this.retry = undefined
      this.start()
    }, RETRY_MS)
    this.retry.unref?.()
  }

  private lost() {
    if (!this.session) return
    console.error(`[janus] lost the connection to ${this.url}; trying again every ${RETRY_MS} ms`)
    this.session = undefined
    this.connection = undefined
    this.onLost()
    this.scheduleRetry()
  }

  /** A new handle on `plugin`, or `unavailable` while Janus cannot be reached. */
  async attach(plugin: JanusPlugin): Promise<JanusHandle> {
    if (this.closed) throw new MediaError('unavailable', 'the media server is shutting down')
    const session = this.session ?? await this.open().catch(() => undefined)
    if (!session) throw new MediaError('unavailable', 'the media server (Janus) cannot be reached; try again')
    return session.attach(plugin)
  }

  async ping() {
    if (!this.connection) throw new Error('janus is not connected')
    await this.connection.getInfo()
  }

  async close() {
    this.closed = true
    clearTimeout(this.retry)
    const connection = this.connection
    this.session = undefined
    this.connection = undefined
    await connection?.close().catch(() => {})
  }
}
