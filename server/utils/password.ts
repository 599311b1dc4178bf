import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { createGate } from './gate'

const PARAMS = { N: 16384, r: 8, p: 1, keylen: 32 }

/**
 * scrypt runs on libuv's thread pool (4 threads), which file reads and writes share: 120 logins at
 * once queued 120 hashes there and the real admin's login took 2.9 s. Two at a time leaves the pool
 * to the files and a core to the event loop; a queue past 64 is refused (503) instead of growing.
 */
const hashing = createGate(2, 64)

function derive(password: string, salt: Buffer, options: ScryptOptions & { keylen: number }): Promise<Buffer> {
  const { keylen, ...cost } = options
  return hashing.run(() => new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { ...cost, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)))
  }))
}

/** `scrypt$N$r$p$salt$hash` (base64): the cost travels with the hash, so it can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = (stored ?? '').split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(N), r: Number(r), p: Number(p), keylen: expected.length })
  return timingSafeEqual(actual, expected)
}

/** A real hash to compare against when the email is unknown, so timing does not tell which emails exist. */
export const DUMMY_PASSWORD_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
