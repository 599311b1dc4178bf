import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

// Secrets the server must use later but never show again (a restream destination's stream key),
// sealed with AES-256-GCM under a key derived from the server's secret: a copy of the database
// alone does not give them away. A changed server secret makes them unreadable (null).

const keyOf = (secret: string) => createHash('sha256').update(`wrencos sealed secrets\0${secret}`).digest()

/** `iv.tag.ciphertext`, each base64url. */
export function seal(text: string, secret: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv)
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
  return [iv, cipher.getAuthTag(), body].map(part => part.toString('base64url')).join('.')
}

export function unseal(sealed: string, secret: string): string | null {
  const [iv, tag, body] = sealed.split('.').map(part => Buffer.from(part, 'base64url'))
  if (!iv || !tag || !body) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), iv)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
  }
  catch {
    return null
  }
}
