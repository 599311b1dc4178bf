import { mkdir } from 'node:fs/promises'
import formidable from 'formidable'
import { getHeader, type H3Event } from 'h3'
import type { Core } from '../domain/core'
import { DomainError } from '../domain/errors'
import { attachUpload, type UploadTarget } from '../domain/uploads'
import { MEDIA, removeQuietly, sniffMediaType, type MediaKind, type StoragePaths } from './files'

export interface ReceivedUpload {
  fields: Record<string, string>
  file: { path: string, mediaType: string, size: number }
}

/**
 * Streams one multipart upload to disk (formidable; never buffered whole), with the size and type
 * limits of `kind`, and checks the file's first bytes really are the media type it claims. The
 * caller owns `file.path` afterwards and must publish or remove it.
 */
export async function receiveUpload(event: H3Event, paths: StoragePaths, kind: MediaKind, field: string): Promise<ReceivedUpload> {
  if (!getHeader(event, 'content-type')?.toLowerCase().startsWith('multipart/form-data')) {
    throw new DomainError('unsupported', 'send multipart/form-data')
  }
  const { maxBytes, types } = MEDIA[kind]
  // Refuse a body announced as too large before reading any of it (64 KiB of room for the form fields).
  if (Number(getHeader(event, 'content-length') ?? 0) > maxBytes + 64 * 1024) {
    throw new DomainError('too_large', `file too large (at most ${maxBytes} bytes)`)
  }
  await mkdir(paths.incoming, { recursive: true })
  let refusedType: string | undefined
  const form = formidable({
    uploadDir: paths.incoming,
    maxFiles: 1,
    maxFileSize: maxBytes,
    maxTotalFileSize: maxBytes,
    maxFields: 20,
    maxFieldsSize: 64 * 1024,
    allowEmptyFiles: false,
    filter: ({ name, mimetype }) => {
      if (name !== field) return false
      if (mimetype && mimetype in types) return true
      refusedType = mimetype ?? 'none'
      return false
    },
  })

  let parsed: [formidable.Fields, formidable.Files]
  try {
    parsed = await form.parse(event.node.req) as [formidable.Fields, formidable.Files]
  }
  catch (error) {
    if ((error as { httpCode?: number }).httpCode === 413) throw new DomainError('too_large', `file too large (at most ${maxBytes} bytes)`)
    throw new DomainError('invalid', `bad multipart body: ${(error as Error).message}`)
  }

  const [rawFields, files] = parsed
  const file = files[field]?.[0]
  if (!file) {
    if (refusedType) throw new DomainError('unsupported', `${field} must be one of ${Object.keys(types).join(', ')} (got ${refusedType})`)
    throw new DomainError('invalid', `missing file field "${field}"`)
  }
  const mediaType = await sniffMediaType(file.filepath)
  if (!mediaType || mediaType !== file.mimetype) {
    await removeQuietly(file.filepath)
    throw new DomainError('unsupported', `the file is not a valid ${file.mimetype}`)
  }
  const fields = Object.fromEntries(Object.entries(rawFields).map(([key, values]) => [key, values?.[0] ?? '']))
  return { fields, file: { path: file.filepath, mediaType, size: file.size } }
}

/** An admin's upload for one entity: received (file field `field`), checked, published and attached; answers its URL. */
export async function receiveUploadFor(event: H3Event, core: Core, kind: MediaKind, field: string, target: UploadTarget): Promise<string> {
  const { fields, file } = await receiveUpload(event, core.paths, kind, field)
  return (await attachUpload(core, kind, file, fields[target.idField], target)).url
}
