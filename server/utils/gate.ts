import { DomainError } from '../domain/errors'

/**
 * At most `concurrency` of a costly job at once, and at most `maxWaiting` queued behind them;
 * beyond that the caller is refused at once (503, come back in a second) instead of piling up.
 */
export function createGate(concurrency: number, maxWaiting: number) {
  let running = 0
  const waiting: Array<() => void> = []

  async function run<T>(job: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= maxWaiting) throw new DomainError('unavailable', 'the server is busy; try again in a moment', { retryAfterSeconds: 1 })
      await new Promise<void>(resolve => waiting.push(resolve))
    }
    else {
      running++
    }
    try {
      return await job()
    }
    finally {
      const next = waiting.shift()
      // The slot passes straight to the next in line.
      if (next) next()
      else running--
    }
  }

  return {
    run,
    get running() {
      return running
    },
    get waiting() {
      return waiting.length
    },
  }
}
