// The draw of a giveaway, checkable by anyone (README, "Giveaways"): the server commits to a seed
// when the giveaway starts (its SHA-256 is published), and reveals it with the winners. Given the
// seed and the entrants, the winners follow from this and nothing else:
//   pool = the entrants' account ids, sorted (JavaScript's default sort: UTF-16 code units)
//   for round r = 0, 1, ...: h = SHA-256 of the text `${seed}:${r}` (UTF-8), read as an unsigned
//   big-endian integer; the winner is pool[h mod pool.length], taken out of the pool.
import { createHash, randomBytes } from 'node:crypto'

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/** A new secret seed (32 random bytes, hex) and the hash published before anyone enters. */
export function commitSeed() {
  const seed = randomBytes(32).toString('hex')
  return { seed, seedHash: sha256Hex(seed) }
}

/** The winners' ids, in the order drawn: at most `count`, fewer when fewer entered. */
export function drawWinners(seed: string, entrantIds: string[], count: number): string[] {
  const pool = [...entrantIds].sort()
  const winners: string[] = []
  for (let round = 0; round < count && pool.length; round++) {
    const index = Number(BigInt(`0x${sha256Hex(`${seed}:${round}`)}`) % BigInt(pool.length))
    winners.push(...pool.splice(index, 1))
  }
  return winners
}
