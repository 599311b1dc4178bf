import type { Clock, Timer } from '../utils/clock'

/** How often an outbox is looked at when nothing wakes its worker (retries falling due, a lease run out). */
const POLL_EVERY_MS = 1000

/**
 * The loop of a durable outbox (webhooks, mails): `sendDue` takes what is due under a lease and
 * sends it, answering how many it took; the worker calls it again while it finds work, then every
 * second, or at once when `wake` is called. Never two runs at once in one process; across
 * processes the store's lease keeps one row with one sender.
 */
export function outboxWorker(clock: Clock, name: string, sendDue: () => Promise<number>): { wake: () => void, stop: () => void } {
  let timer: Timer | undefined
  let running: Promise<void> | undefined
  let stopped = false

  async function drain() {
    while (!stopped && await sendDue() > 0) { /* another batch may be due */ }
  }

  function wake() {
    timer?.cancel()
    if (stopped) return
    running ??= drain().catch(error => console.error(`[${name}] could not send`, error)).finally(() => {
      running = undefined
      if (!stopped) timer = clock.after(POLL_EVERY_MS, wake)
    })
  }

  wake()
  return {
    wake,
    stop() {
      stopped = true
      timer?.cancel()
    },
  }
}
