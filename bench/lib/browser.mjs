// Chromium for a benchmark, at the same scheduling priority as the servers it measures.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright'

const SETPRIV = '/usr/bin/setpriv'

/**
 * Launched as root, Chromium raises its own threads above everything else on the machine: its
 * WebRTC, IO, compositor and media threads at nice -8, its audio threads real-time (SCHED_RR).
 * On two cores the servers under measurement, at nice 0, then waited seconds for a core: the
 * relay's thread sat runnable and unscheduled for up to 2.8 s while six pages played, and a new
 * viewer's WHEP answer waited behind it (bench/README.md, session 17). An ordinary user's browser
 * cannot do that (RLIMIT_NICE and RLIMIT_RTPRIO are 0), and a real audience's browsers are not on
 * the server's machine. So as root the browser runs without CAP_SYS_NICE: its threads stay at
 * nice 0 like everyone else's, for the floor and for us alike. WRENCOS_BENCH_BROWSER_PRIORITY=raised
 * leaves it as it was, to compare.
 */
function withoutPriorityRaise(executable) {
  if (process.env.WRENCOS_BENCH_BROWSER_PRIORITY === 'raised') return executable
  if (process.getuid?.() !== 0 || !existsSync(SETPRIV)) return executable
  const wrapper = join(mkdtempSync(join(tmpdir(), 'wrencos-chromium-')), 'chromium')
  // Quoted for the shell: CHROMIUM_PATH may hold a space (single quotes inside it are escaped).
  const quoted = `'${executable.replaceAll('\'', `'\\''`)}'`
  writeFileSync(wrapper, `#!/bin/sh\nexec ${SETPRIV} --bounding-set -sys_nice -- ${quoted} "$@"\n`, { mode: 0o755 })
  return wrapper
}

export function launchChromium(args) {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  return chromium.launch({ executablePath: withoutPriorityRaise(executable), args })
}
