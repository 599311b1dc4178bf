// npm run backup -- <folder>: a consistent copy of NUXT_DATA_DIR while the server runs. The
// database goes first, through SQLite's online backup (a snapshot of one moment, whatever the
// server writes meanwhile), then the uploads and the recordings' chunks (files the server only
// ever adds whole, by renaming them into place), then the manifest. Everything is written into
// `<folder>.partial` and renamed at the end: a backup that died half-way never looks like one.
// MongoDB: see the README ("Backups"); this copies the files only when NUXT_MONGODB_URI is set.
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE, FOLDERS, FORMAT, MANIFEST, dataDirOf, describe, fail, filesUnder, isEmptyOrAbsent } from './manifest.mjs'

const target = process.argv[2] && resolve(process.argv[2])
if (!target) fail('usage: npm run backup -- <folder>   (the folder must not exist yet, or be empty)')
const dataDir = dataDirOf()
if (!await isEmptyOrAbsent(target)) fail(`${target} is not empty: back up into a new folder`)
const partial = `${target}.partial`
await rm(partial, { recursive: true, force: true })
await mkdir(partial, { recursive: true })

const started = new Date().toISOString()
const files = []
const database = join(dataDir, DATABASE)
if (!process.env.NUXT_MONGODB_URI) {
  const db = new Database(database, { readonly: true, fileMustExist: true })
  try {
    await db.backup(join(partial, DATABASE))
  }
  finally {
    db.close()
  }
  files.push(await describe(partial, DATABASE))
}
for (const folder of FOLDERS) {
  for (const path of await filesUnder(join(dataDir, folder), dataDir)) {
    await mkdir(dirname(join(partial, path)), { recursive: true })
    await copyFile(join(dataDir, path), join(partial, path))
    files.push(await describe(partial, path))
  }
}
const manifest = { format: FORMAT, createdAt: started, store: process.env.NUXT_MONGODB_URI ? 'mongodb' : 'sqlite', files }
await writeFile(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
await rm(target, { recursive: true, force: true })
await rename(partial, target)
const bytes = files.reduce((sum, file) => sum + file.bytes, 0)
console.info(`[wrencos] backed up ${files.length} files (${(bytes / 1024 / 1024).toFixed(1)} MiB) of ${dataDir} into ${target}, as of ${started}`)
