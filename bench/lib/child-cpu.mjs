// The CPU time of the processes a server started (its ffmpegs), read from /proc while they come
// and go.
import { readFileSync, readdirSync } from 'node:fs'
import { processCpuSeconds } from './server.mjs'

/** What `read` answers, or undefined where what it reads in /proc has gone with its process or thread. */
function readOrUndefined(read) {
  try {
    return read()
  }
  catch {
    return undefined
  }
}

/** The processes `pid` started and that still run. */
export const childrenOf = pid => readdirSync(`/proc/${pid}/task`).flatMap(task =>
  (readOrUndefined(() => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')) ?? '').trim().split(/\s+/).filter(Boolean).map(Number))

/** A process's command line, or [] once it has ended. */
export const commandOf = pid => readOrUndefined(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')) ?? []

/**
 * The CPU seconds that the children of `parentPid` whose command `counts` have used since this
 * was made, as of each `sample()`. Not every one lives through a measured window: a share card's
 * frame grab runs for a moment (server/media/frame-grab.ts). One that has ended keeps its last
 * reading, and one that started after the first sample counts from zero. Sample often enough to
 * see the short ones. `lasting()`: how many ran from the first sample to the last (a show's own
 * ffmpegs); `seen()`: how many were seen at all.
 */
export function childCpu(parentPid, counts = () => true) {
  const from = new Map()
  const last = new Map()
  let first
  let running = new Set()
  const sample = () => {
    running = new Set()
    for (const pid of childrenOf(parentPid).filter(child => counts(commandOf(child)))) {
      const seconds = readOrUndefined(() => processCpuSeconds(pid))
      if (seconds === undefined) continue // ended between the listing and the reading
      if (!from.has(pid)) from.set(pid, first ? 0 : seconds)
      last.set(pid, seconds)
      running.add(pid)
    }
    first ??= running
    return [...last].reduce((sum, [pid, seconds]) => sum + seconds - from.get(pid), 0)
  }
  sample()
  return {
    sample,
    lasting: () => [...first].filter(pid => running.has(pid)).length,
    seen: () => last.size,
  }
}
