/**
 * How long to wait before retry number `attempt` (0-based): doubling from `base`, capped at `max`,
 * with jitter so a crowd of browsers that lost the server together do not return together.
 */
export function backoffDelay(attempt: number, base = 500, max = 10_000, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 16))
  return Math.round(ceiling * (0.5 + random() * 0.5))
}
