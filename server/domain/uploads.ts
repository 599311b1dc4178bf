import { Id } from '#shared/schemas/common'
import { publishFile, removeQuietly, type MediaKind } from '../utils/files'
import type { Core } from './core'
import { DomainError } from './errors'

/** A file received to disk (by the HTTP edge), of a checked media type. */
export interface ReceivedFile { path: string, mediaType: string, size: number }

/**
 * Attaches an uploaded file to the entity with id `rawId`: checks the id and that the entity
 * exists, publishes the file under a server-chosen name and lets `attach` record its URL. Whatever
 * fails on the way, the received file is removed and nothing is changed.
 */
export interface UploadTarget {
  /** The form field naming the entity (`livestreamId`, `productId`). */
  idField: string
  find: (core: Core, id: string) => Promise<unknown>
  attach: (core: Core, id: string, url: string) => Promise<unknown>
}

export async function attachUpload(core: Core, kind: MediaKind, file: ReceivedFile, rawId: string | undefined, target: UploadTarget) {
  try {
    const id = Id.safeParse(rawId)
    if (!id.success) throw new DomainError('invalid', `form field "${target.idField}" must be an id`)
    await target.find(core, id.data)
    const url = await publishFile(core.paths, file.path, kind, file.mediaType)
    await target.attach(core, id.data, url)
    return { url, size: file.size }
  }
  catch (error) {
    await removeQuietly(file.path)
    throw error
  }
}
