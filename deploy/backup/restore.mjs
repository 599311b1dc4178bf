// npm run restore -- <folder>: a backup (backup.mjs) into an empty NUXT_DATA_DIR. Every file is
// checked against the manifest before anything is written; the files go into a folder beside the
// target and are renamed into place at the end. A target that holds anything, a backup of
// another format or one whose sizes or checksums do not match: exit 1, nothing changed.
import { copyFile, mkdir, readFile, rename, rm, rmdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { FORMAT, MANIFEST, dataDirOf, describe, fail, isEmptyOrAbsent } from './manifest.mjs'

const source = process.argv[2] && resolve(process.argv[2])
if (!source) fail('usage: npm run restore -- <folder>   (into NUXT_DATA_DIR, which must be empty)')
const dataDir = dataDirOf()
if (!await isEmptyOrAbsent(dataDir)) fail(`${dataDir} is not empty: restore into an empty data directory (NUXT_DATA_DIR)`)

let manifest
try {
  manifest = JSON.parse(await readFile(join(source, MANIFEST), 'utf8'))
}
catch {
  fail(`${source} has no readable ${MANIFEST}: not a backup`)
}
if (manifest.format !== FORMAT || !Array.isArray(manifest.files)) fail(`${source} is not a backup of this format (${FORMAT})`)
for (const expected of manifest.files) {
  if (typeof expected.path !== 'string' || expected.path.split('/').includes('..') || expected.path.startsWith('/')) fail(`the manifest names a path outside the backup: ${expected.path}`)
  const found = await describe(source, expected.path).catch(() => null)
  if (!found) fail(`${expected.path} is missing from the backup`)
  if (found.bytes !== expected.bytes || found.sha256 !== expected.sha256) fail(`${expected.path} does not match its checksum: the backup is damaged or was altered`)
}

const staging = `${dataDir}.restoring-${process.pid}`
await rm(staging, { recursive: true, force: true })
for (const { path } of manifest.files) {
  await mkdir(dirname(join(staging, path)), { recursive: true })
  await copyFile(join(source, path), join(staging, path))
}
await mkdir(staging, { recursive: true })
await rmdir(dataDir).catch(error => (error.code === 'ENOENT' ? undefined : Promise.reject(error)))
await rename(staging, dataDir)
console.info(`[wrencos] restored ${manifest.files.length} files of the backup of ${manifest.createdAt} into ${dataDir}`)
