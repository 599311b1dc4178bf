// A Janus of its own per test file (bench/lib/janus.mjs: Debian's `janus` with deploy/janus/start). CI (.ci/run) installs it.
import { haveJanus } from '../../bench/lib/janus.mjs'

export { haveJanus, startJanus, type RunningJanus } from '../../bench/lib/janus.mjs'

if (!haveJanus && process.env.CI) throw new Error('janus is not installed; .ci/run should have installed it (apt-get install janus)')
