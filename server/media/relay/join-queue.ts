// Viewers whose connection is being set up take turns: their DTLS handshakes run in JavaScript on
// the relay's thread, and a burst of them (a link shared to thousands, a page reloaded by many)
// starved everything else there, the publisher's ICE consent checks included (benchmark 7, 200
// viewers: the publisher's connection failed while the first hundred joined). An offer waits for
// a turn; one that waits too long is told to come back.
import { MediaError } from '../backend'

export class JoinQueue {
  private joining = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly atOnce: number, private readonly waitMs: number) {}

  /** Waits for a turn; resolves to the function that gives it back (idempotent). */
  async turn(): Promise<() => void> {
    if (this.joining >= this.atOnce) await this.wait()
    this.joining++
    let given = false
    return () => {
      if (given) return
      given = true
      this.joining--
      this.waiting.shift()?.()
    }
  }

  private wait() {
    return new Promise<void>((resolve, reject) => {
      const go = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(go), 1)
        reject(new MediaError('unavailable', 'too many viewers are joining this server at once; try again'))
      }, this.waitMs)
      timer.unref?.()
      this.waiting.push(go)
    })
  }
}
