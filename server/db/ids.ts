import { randomBytes } from 'node:crypto'

let lastMs = 0
let counter = 0

/**
 * A 24-hex id, the shape of a MongoDB ObjectId so both stores hand out ids alike: 12 hex of
 * milliseconds, 4 of a per-millisecond counter (so ids made in one process sort in creation
 * order, as ties on `createdAt` are broken by id), then 8 random ones against other processes.
 */
export function newId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now
    counter = 0
  }
  else {
    counter = (counter + 1) & 0xFFFF
  }
  return lastMs.toString(16).padStart(12, '0').slice(-12) + counter.toString(16).padStart(4, '0') + randomBytes(4).toString('hex')
}
