import type { z } from 'zod'

/**
 * Turns a zod schema into a validator for h3's `readValidatedBody`, `getValidatedQuery` and
 * `getValidatedRouterParams`. On failure h3 answers 400 with what this throws as `data`, so the
 * client gets `data.issues` (zod's issues) and a message that names each bad field.
 */
export function zodCheck<T extends z.ZodType>(schema: T) {
  return (input: unknown): z.output<T> => {
    const result = schema.safeParse(input)
    if (result.success) return result.data
    const issues = result.error.issues
    const message = issues.map(issue => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')
    throw { message, issues }
  }
}
