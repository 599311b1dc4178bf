/** A file name's stem from a show's title: `summer-glow` (at most 40 characters; `show` when nothing is left). */
export function titleSlug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'show'
}
