// Chromium for a benchmark, never ahead of the servers it measures for a core.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright'

const SETPRIV = '/usr/bin/setpriv'
const AUTOGROUP = '/proc/self/autogroup'

/**
 * The nice value of the browser's scheduling group: about a tenth of the weight of the group the
 * servers run in, so a server that wakes gets a core first, and the browser everything it leaves.
 */
const BROWSER_GROUP_NICE = 10

/**
 * How the browser shares the machine's two cores with the servers it measures. A real audience's
 * browsers, and the host's, are not on the server's machine; here they are, seven pages and a
 * studio that want more than both cores, so the benchmark keeps them from taking the servers' turn:
 * - Launched as root, Chromium raises its own threads above everything else on the machine: its
 *   WebRTC, IO, compositor and media threads at nice -8, its audio threads real-time (SCHED_RR).
 *   The relay's thread then sat runnable and unscheduled for up to 2.8 s while six pages played
 *   (bench/README.md, session 17). An ordinary user's browser cannot do that (RLIMIT_NICE and
 *   RLIMIT_RTPRIO are 0): as root the browser runs without CAP_SYS_NICE.
 * - Playwright starts the browser in a session of its own, and Linux schedules each session as a
 *   group (sched_autogroup). At the same weight as the servers' group, the server's threads still
 *   waited up to 2 s for a core in samples about a second apart while six pages played
 *   (schedstat), and a relay viewer's WHEP answer came seconds late: the crowd cases' misses
 *   since session 17 (bench/README.md, session 22). The browser's group runs at
 *   BROWSER_GROUP_NICE instead: the floor (a bare page and a bare socket server) and every media
 *   mode alike.
 * WRENCOS_BENCH_BROWSER_PRIORITY=raised leaves the browser as it launches itself; `=equal` keeps its
 * group at the servers' weight, as before session 22: both to compare.
 */
function withServersFirst(executable) {
  const priority = process.env.WRENCOS_BENCH_BROWSER_PRIORITY
  if (priority === 'raised') return executable
  // Writing to one's own autogroup only ever lowers its priority: no privilege is needed.
  const lowerGroup = priority !== 'equal' && existsSync(AUTOGROUP) ? `{ echo ${BROWSER_GROUP_NICE} > ${AUTOGROUP}; } 2>/dev/null` : ''
  const dropNice = process.getuid?.() === 0 && existsSync(SETPRIV) ? `${SETPRIV} --bounding-set -sys_nice -- ` : ''
  if (!lowerGroup && !dropNice) return executable
  const wrapper = join(mkdtempSync(join(tmpdir(), 'wrencos-chromium-')), 'chromium')
  // Quoted for the shell: CHROMIUM_PATH may hold a space (single quotes inside it are escaped).
  const quoted = `'${executable.replaceAll('\'', `'\\''`)}'`
  writeFileSync(wrapper, `${['#!/bin/sh', lowerGroup, `exec ${dropNice}${quoted} "$@"`].filter(Boolean).join('\n')}\n`, { mode: 0o755 })
  return wrapper
}

export function launchChromium(args) {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  return chromium.launch({ executablePath: withServersFirst(executable), args })
}
