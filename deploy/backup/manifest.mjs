// What a backup of NUXT_DATA_DIR holds (PROTOCOL.md, "Operations"): the database as one file, the
// uploads and the recordings' chunks, and manifest.json listing every file with its size and
// SHA-256, so a restore can tell a whole backup from a torn or altered one before it writes a byte.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'

export const FORMAT = 'wrencos-backup/1'
export const MANIFEST = 'manifest.json'
export const DATABASE = 'wrencos.sqlite'
/** The folders of the data directory a backup carries (`incoming` holds only half-written parts). */
export const FOLDERS = ['uploads', 'recordings']

/** NUXT_DATA_DIR as the server resolves it. */
export function dataDirOf(env = process.env) {
  const dir = env.NUXT_DATA_DIR || '.data'
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir)
}

export async function sha256(path) {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash.digest('hex')
}

/** Every file under `root` (paths relative to it, with '/'), oldest folders first; none if it does not exist. */
export async function filesUnder(root, base = root) {
  const entries = await readdir(root, { withFileTypes: true }).catch(error => (error.code === 'ENOENT' ? [] : Promise.reject(error)))
  const files = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(root, entry.name)
    if (entry.isDirectory()) files.push(...await filesUnder(path, base))
    else if (entry.isFile()) files.push(relative(base, path).split(sep).join('/'))
  }
  return files
}

/** A manifest entry for `path` (relative to `root`). */
export async function describe(root, path) {
  const full = join(root, path)
  return { path, bytes: (await stat(full)).size, sha256: await sha256(full) }
}

/** True when a folder does not exist or holds nothing. */
export async function isEmptyOrAbsent(dir) {
  const entries = await readdir(dir).catch(error => (error.code === 'ENOENT' ? [] : Promise.reject(error)))
  return entries.length === 0
}

/** Fails the command with `message` (exit 1). */
export function fail(message) {
  console.error(`[wrencos] ${message}`)
  process.exit(1)
}
