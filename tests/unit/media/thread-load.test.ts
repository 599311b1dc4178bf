// The relay thread's load (server/media/relay/capacity.ts): the share of a core the thread itself
// ran, read from the kernel, so time spent waiting (for a CPU the rest of the machine holds, or
// blocked) is not taken for the viewers' work. Where the kernel does not tell, the event loop's
// busy share stands in.
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { threadLoad } from '../../../server/media/relay/capacity'

const spin = (ms: number) => {
  const end = performance.now() + ms
  while (performance.now() < end) { /* on the CPU */ }
}
/** Blocks this thread off the CPU, as a thread does while it waits: busy for the event loop, idle for the kernel. */
const block = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
const idle = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe.runIf(existsSync('/proc/thread-self/schedstat'))('relay thread load from the kernel', () => {
  it('reads the time the thread ran, not the time it was held up', async () => {
    const read = threadLoad()
    spin(200)
    expect(read()).toBeGreaterThan(0.7)
    await idle(200)
    expect(read()).toBeLessThan(0.3)
    // Blocked, the event loop is busy the whole time; the thread ran for none of it.
    const eventLoopBefore = performance.eventLoopUtilization()
    block(200)
    expect(performance.eventLoopUtilization(eventLoopBefore).utilization).toBeGreaterThan(0.9)
    expect(read()).toBeLessThan(0.3)
  })
})

describe('relay thread load where the kernel does not tell', () => {
  it('falls back to the event loop\'s busy share', async () => {
    const read = threadLoad(() => undefined)
    block(200)
    expect(read()).toBeGreaterThan(0.7)
    await idle(200)
    expect(read()).toBeLessThan(0.3)
  })
})
