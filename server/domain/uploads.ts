import { createError, type H3Event } from 'h3'
import { Id } from '#shared/schemas/common'
import type { Store } from '../db'
import { publishFile, removeQuietly, type MediaKind } from '../utils/files'
import { receiveUpload } from '../utils/multipart'

/**
 * Receives one file upload for the entity named in form field `idField`, checks that entity
 * exists, publishes the file under a server-chosen name and lets `attach` record its URL. Whatever
 * fails on the way, the received file is removed and nothing is changed.
 */
export async function uploadFor(event: H3Event, kind: MediaKind, field: string, idField: string, find: (store: Store, id: string) => Promise<unknown>, attach: (store: Store, id: string, url: string) => Promise<unknown>) {
  const { fields, file } = await receiveUpload(event, kind, field)
  try {
    const id = Id.safeParse(fields[idField])
    if (!id.success) throw createError({ statusCode: 400, message: `form field "${idField}" must be an id` })
    const store = await useStore()
    await find(store, id.data)
    const url = await publishFile(file.path, kind, file.mediaType)
    await attach(store, id.data, url)
    return { url, size: file.size }
  }
  catch (error) {
    await removeQuietly(file.path)
    throw error
  }
}
