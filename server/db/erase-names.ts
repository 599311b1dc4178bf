// An erased customer's name, wherever an on-air item's data names them (a question's asker, a
// giveaway's winners): every `{ id, displayName }` of theirs becomes the erased name. Both stores
// rewrite the items with it inside their erasure's transaction.
export function renamePerson<T>(value: T, userId: string, displayName: string): T {
  if (Array.isArray(value)) return value.map(item => renamePerson(item, userId, displayName)) as T
  if (!value || typeof value !== 'object') return value
  const entries = Object.entries(value).map(([key, inner]) => [key, renamePerson(inner, userId, displayName)])
  const renamed = Object.fromEntries(entries) as Record<string, unknown>
  if (renamed.id === userId && typeof renamed.displayName === 'string') renamed.displayName = displayName
  return renamed as T
}
