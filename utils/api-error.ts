/** The sentence to show for a failed $fetch: the server's message when it sent one. */
export function apiErrorMessage(error: unknown, fallback = 'Something went wrong. Try again.'): string {
  const data = (error as { data?: { message?: string, data?: Array<{ path?: PropertyKey[], message: string }> } }).data
  const issue = Array.isArray(data?.data) ? data.data[0] : undefined
  if (issue) return `${issue.path?.join('.') || 'input'}: ${issue.message}`
  // A thrown Error of the browser's own (a recorder, a codec) says more than the fallback would.
  return data?.message ?? (error instanceof Error && !data ? error.message : fallback)
}

/** The first problem a shared zod schema finds in a form, as "field: message". */
export function firstIssue(issues: Array<{ path: PropertyKey[], message: string }>): string {
  const issue = issues[0]
  return issue ? `${issue.path.join('.') || 'form'}: ${issue.message}` : ''
}
