/** A player that has not fetched the playlist for this long has stopped watching. */
const ACTIVE_MS = 10_000
/** Players remembered per show at most (a flood of made-up keys cannot grow memory). */
const MAX_PLAYERS = 100_000

/**
 * Who watches each show by HLS on this server: the players that fetched its playlist in the last
 * ten seconds (a player reloads it every segment). The live page names itself (`?v=`, its viewer
 * session); another player counts by its address and user agent. Behind a CDN this counts the
 * CDN's fetchers, not the audience: the CDN's own figures are the ones to read then.
 */
export class HlsAudience {
  private readonly shows = new Map<string, Map<string, number>>()

  seen(livestreamId: string, player: string, now = Date.now()) {
    let players = this.shows.get(livestreamId)
    if (!players) this.shows.set(livestreamId, (players = new Map()))
    players.delete(player)
    players.set(player, now)
    if (players.size > MAX_PLAYERS) this.prune(players, now, true)
  }

  count(livestreamId: string, now = Date.now()): number {
    const players = this.shows.get(livestreamId)
    if (!players) return 0
    this.prune(players, now)
    if (!players.size) this.shows.delete(livestreamId)
    return players.size
  }

  /** The shows anyone has watched by HLS lately. */
  livestreams(): string[] {
    return [...this.shows.keys()]
  }

  /** Drops the players gone quiet: the map is in order of last fetch, so from the front. */
  private prune(players: Map<string, number>, now: number, overflowing = false) {
    for (const [player, at] of players) {
      if (now - at < ACTIVE_MS && !(overflowing && players.size > MAX_PLAYERS)) break
      players.delete(player)
    }
  }
}
