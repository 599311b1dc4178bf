// deploy/janus/start, with a stand-in `janus` on PATH that prints what it was given: where the
// configuration went, how private it is, and that the secret arrived whole.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const script = resolve(import.meta.dirname, '../../deploy/janus/start')
const sandbox = mkdtempSync(join(tmpdir(), 'wrencos-janus-start-'))
writeFileSync(join(sandbox, 'janus'), '#!/bin/sh\necho "$@"\n')
chmodSync(join(sandbox, 'janus'), 0o755)
afterAll(() => rmSync(sandbox, { recursive: true, force: true }))

function start(env: Record<string, string>) {
  const run = spawnSync('bash', [script], { env: { PATH: `${sandbox}:${process.env.PATH}`, TMPDIR: sandbox, ...env }, encoding: 'utf8' })
  const folder = /--configs-folder=(\S+)/.exec(run.stdout)?.[1]
  return { ...run, folder }
}

describe('deploy/janus/start', () => {
  it('writes a secret with shell and sed specials whole, into private files in a private folder, and never on janus\'s command line', () => {
    const secret = 'a|b&c$d/e@API_SECRET@\'f'
    const run = start({ NUXT_JANUS_ADMIN_SECRET: secret, JANUS_WS_PORT: '18188' })
    expect(run.status).toBe(0)
    expect(run.stdout).not.toContain(secret)
    const folder = run.folder!
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    for (const name of ['janus.jcfg', 'janus.plugin.streaming.jcfg', 'janus.plugin.videoroom.jcfg']) {
      expect(statSync(join(folder, name)).mode & 0o777).toBe(0o600)
      expect(readFileSync(join(folder, name), 'utf8')).toContain(`"${secret}"`)
    }
    expect(readFileSync(join(folder, 'janus.transport.websockets.jcfg'), 'utf8')).toContain('ws_port = 18188')
    // The folder's name cannot be guessed in advance: another start makes another.
    expect(start({ NUXT_JANUS_ADMIN_SECRET: 'other' }).folder).not.toBe(folder)
  })

  it('refuses a secret that would break the configuration, and starts nothing without one', () => {
    for (const secret of ['with"quote', 'back\\slash']) {
      const run = start({ NUXT_JANUS_ADMIN_SECRET: secret })
      expect(run.status).toBe(2)
      expect(run.stderr).toContain('may not contain a double quote')
      expect(run.stdout).toBe('')
    }
    expect(start({}).status).not.toBe(0)
  })
})
