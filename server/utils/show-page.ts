/** A show's page, by its path: `/live/:id` or `/embed/:id`, with or without a query (not its feeds below it). */
const SHOW_PAGE = /^\/(live|embed)\/([^/?#]+)(?:\?|$)/

/** Which show's page `path` is (the live page, or the player on a brand's site), if it is one. */
export function showPageOf(path: string): { page: 'live' | 'embed', showId: string } | undefined {
  const match = SHOW_PAGE.exec(path)
  return match ? { page: match[1] as 'live' | 'embed', showId: match[2]! } : undefined
}
