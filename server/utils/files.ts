import { createReadStream } from 'node:fs'
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { newId } from '../db/ids'

/** What may be uploaded, where it is kept under /uploads, and how large it may be. */
export const MEDIA = {
  video: { dir: 'videos', maxBytes: 4 * 1024 ** 3, types: { 'video/webm': 'webm', 'video/mp4': 'mp4' } },
  thumbnail: { dir: 'thumbnails', maxBytes: 10 * 1024 ** 2, types: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } },
  image: { dir: 'images', maxBytes: 10 * 1024 ** 2, types: { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } },
} as const satisfies Record<string, { dir: string, maxBytes: number, types: Record<string, string> }>

export type MediaKind = keyof typeof MEDIA

export const CONTENT_TYPES: Record<string, string> = {
  webm: 'video/webm', mp4: 'video/mp4', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp',
}

/** Where files live under the data directory: `uploads` is served, the others never are. */
export interface StoragePaths {
  readonly uploads: string
  /** Parts of uploads and rewrites in progress. */
  readonly incoming: string
  /** Where every show's recording chunks are, one folder a show. */
  readonly recordings: string
  /** The chunks of one show's recording as the studio sends them. */
  recording(livestreamId: string): string
  /** A live show's HLS playlist and segments (NUXT_HLS), removed when it ends. */
  hls(livestreamId: string): string
}

export function storagePaths(dataDir: string): StoragePaths {
  return {
    uploads: join(dataDir, 'uploads'),
    incoming: join(dataDir, 'incoming'),
    recordings: join(dataDir, 'recordings'),
    recording: livestreamId => join(dataDir, 'recordings', livestreamId),
    hls: livestreamId => join(dataDir, 'hls', livestreamId),
  }
}

/** The media type a file really holds, from its first bytes, whatever its name or header claims. */
export async function sniffMediaType(path: string): Promise<string | null> {
  return sniffBytes(await readHead(path, 16))
}

/** A file's first `length` bytes (fewer if it is shorter). */
export async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, 0)
    return buffer.subarray(0, bytesRead)
  }
  finally {
    await handle.close()
  }
}

export function sniffBytes(head: Buffer): string | null {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1A45DFA3) return 'video/webm'
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4'
  if (head.length >= 3 && head[0] === 0xFF && head[1] === 0xD8 && head[2] === 0xFF) return 'image/jpeg'
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))) return 'image/png'
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/**
 * Moves a received file to its public place under a name the server chose, and answers its URL.
 */
export async function publishFile(paths: StoragePaths, tempPath: string, kind: MediaKind, mediaType: string): Promise<string> {
  const { dir, types } = MEDIA[kind]
  const extension = (types as Record<string, string>)[mediaType]
  if (!extension) throw new Error(`no extension for ${mediaType}`)
  const name = `${newId()}.${extension}`
  await mkdir(join(paths.uploads, dir), { recursive: true })
  await rename(tempPath, join(paths.uploads, dir, name))
  return `/uploads/${dir}/${name}`
}

/** A name this server gave out under /uploads (`<dir>/<24 hex>.<ext>`): the only ones it serves. */
export const SERVED_NAME = new RegExp(`^(${Object.values(MEDIA).map(media => media.dir).join('|')})/[0-9a-f]{24}\\.(${Object.keys(CONTENT_TYPES).join('|')})$`)

/** Removes a file this server published, given its URL; anything else is left alone. */
export async function unpublish(paths: StoragePaths, url: string | undefined): Promise<void> {
  const name = url?.startsWith('/uploads/') ? url.slice('/uploads/'.length) : undefined
  if (name && SERVED_NAME.test(name)) await removeQuietly(join(paths.uploads, name))
}

export async function removeQuietly(path: string | undefined): Promise<void> {
  if (path) await unlink(path).catch(() => {})
}

/** Streams `paths` one after another into `target`, never holding a whole file in memory. */
export async function concatenateFiles(paths: string[], target: string): Promise<void> {
  const out = await open(target, 'w')
  try {
    for (const path of paths) {
      for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) await out.write(chunk as Buffer)
    }
    await out.sync()
  }
  finally {
    await out.close()
  }
}
