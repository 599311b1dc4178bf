// Row <-> record mapping for the SQLite store, derived from the field tables of server/db/fields.ts:
// a field's column is its name in snake_case; NULL columns become absent fields, as in the API.
import type { FieldKind } from '../fields'

type Row = Record<string, unknown>

/** `displayName` -> `display_name`. */
export const columnOf = (field: string) => field.replace(/[A-Z]/g, letter => `_${letter.toLowerCase()}`)

/** The record in `row`, with the fields of `fields`: JSON columns parsed, NULLs left out. */
export function fromRow<T>(row: Row, fields: Readonly<Record<string, FieldKind>>): T {
  const record: Row = {}
  for (const [field, kind] of Object.entries(fields)) {
    const value = row[columnOf(field)]
    if (value === null || value === undefined) continue
    record[field] = kind === 'json' ? JSON.parse(value as string) : value
  }
  return record as T
}

/** A mapper for one record type, for `rows.map(...)`. */
export const rowsOf = <T>(fields: Readonly<Record<string, FieldKind>>) => (row: Row) => fromRow<T>(row, fields)

/** `SET a = @a, b = @b` for the defined keys of `changes` that are fields, with the named parameters to bind. */
export function setClause(changes: object, fields: Readonly<Record<string, FieldKind>>): { sql: string, params: Row } {
  const parts: string[] = []
  const params: Row = {}
  for (const [key, value] of Object.entries(changes)) {
    if (!(key in fields) || key === 'id' || value === undefined) continue
    parts.push(`${columnOf(key)} = @${key}`)
    // SQLite binds scalars only: a structured value is kept as JSON text.
    params[key] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value
  }
  return { sql: parts.join(', '), params }
}

/** `(a, b, c) VALUES (@a, @b, @c)` for an INSERT of every defined field of `record`. */
export function insertClause(record: object, fields: Readonly<Record<string, FieldKind>>): { sql: string, params: Row } {
  const { params } = setClause(record, fields)
  if ('id' in record && record.id !== undefined) params.id = record.id
  const keys = Object.keys(params)
  return { sql: `(${keys.map(columnOf).join(', ')}) VALUES (${keys.map(key => `@${key}`).join(', ')})`, params }
}
