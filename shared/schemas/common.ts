import { z } from 'zod'

/** Every role an account can have: the one list the token check, the stores and the types read. */
export const ROLES = ['admin', 'moderator', 'customer'] as const
export const Role = z.enum(ROLES)

/** An entity id as it appears in a path or body: opaque, URL-safe, never an object. */
export const Id = z.string().trim().min(1).max(64).regex(/^[\w-]+$/, 'not a valid id')

export const IdParams = z.object({ id: Id })

/** An ISO-8601 time with a zone, normalised to UTC (`toISOString`). */
export const IsoTime = z.iso.datetime({ offset: true }).transform(value => new Date(value).toISOString())

/** An image or media address: an absolute http(s) URL or a path on this server; never `javascript:` and friends. */
export const MediaUrl = z.string().trim().max(2048).refine(
  value => /^https?:\/\/[^\s]+$/i.test(value) || /^\/(?!\/)[^\s]*$/.test(value),
  'must be an http(s) URL or a path starting with /',
)

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email())

export const DisplayName = z.string().trim().min(1).max(40)

/** A page size from a query string: coerced, bounded, defaulted. */
export const pageLimit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback)
