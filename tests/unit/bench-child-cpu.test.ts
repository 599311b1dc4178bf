// bench/hls.mjs counts the CPU of the server's ffmpegs over its window; one of them (a share
// card's frame grab) can end inside it, and reading an ended process's /proc made the benchmark
// throw (ENOENT, seen on a CI run). This holds the reader to children that come and go.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { childCpu } from '../../bench/lib/child-cpu.mjs'

/**
 * A parent that starts a child busy for 400 ms at once, and another 600 ms later, beside one that
 * idles through it all (a show's own ffmpeg) and ends by itself after 3 s; the parent lives on
 * until the test ends it.
 */
const PARENT = `
const { spawn } = require('node:child_process')
const busy = ms => spawn(process.execPath, ['-e', 'const end = Date.now() + ' + ms + '; while (Date.now() < end);'], { stdio: 'ignore' })
spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3_000)'], { stdio: 'ignore' })
busy(400)
setTimeout(() => busy(400), 600)
setTimeout(() => {}, 10_000)
`

describe('the CPU of a process\'s children (bench/lib/child-cpu.mjs)', () => {
  let parent: ReturnType<typeof spawn> | undefined
  afterEach(() => {
    parent?.kill()
  })

  it('counts a child that ends within the window and one that starts after it began, never throws for an ended one, and tells them from one that ran throughout', async () => {
    parent = spawn(process.execPath, ['-e', PARENT], { stdio: 'ignore' })
    await once(parent, 'spawn')
    // Made once the first two children run their own command lines (one just forked may not show it yet).
    let cpu = childCpu(parent.pid!, command => command[0] === process.execPath)
    await expect.poll(() => (cpu = childCpu(parent!.pid!, command => command[0] === process.execPath)).seen()).toBe(2)
    let seconds = 0
    // Sampled every 20 ms through both children's lives and past their ends.
    for (let at = 0; at < 1_600; at += 20) {
      seconds = cpu.sample()
      await sleep(20)
    }
    // The idle one ran throughout; the busy ones came and went.
    expect(cpu.seen()).toBe(3)
    expect(cpu.lasting()).toBe(1)
    // The first child's 300 ms after the first sample and the second's 400 ms: at least most of it is counted.
    expect(seconds).toBeGreaterThan(0.45)
    expect(seconds).toBeLessThan(1.2)
  })
})
