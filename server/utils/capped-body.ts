import type { IncomingMessage } from 'node:http'
import type { H3Event } from 'h3'
import { DomainError } from '../domain/errors'

/** How long the rest of a refused body is read and dropped before the connection is cut. */
const LINGER_MS = 2000

/**
 * After a refusal, the rest of the body is read and dropped for a moment (a lingering close, as
 * nginx does): closing a socket with unread data makes the kernel reset it, and the client would
 * lose the 413 it was about to read. Then the connection is cut, so nobody can pour on for ever.
 */
function drainThenCut(request: IncomingMessage) {
  request.on('data', () => {})
  request.resume()
  const cut = setTimeout(() => request.socket?.destroy(), LINGER_MS)
  cut.unref()
  request.once('end', () => clearTimeout(cut))
}

/**
 * Reads a request's raw body, refusing it (413) as soon as it passes `maxBytes`, whether the
 * client declared its length or sent it chunked: what is kept in memory never exceeds the cap,
 * and the rest is dropped (drainThenCut).
 */
export function readCappedBody(event: H3Event, maxBytes: number, what = 'the body'): Promise<Buffer> {
  const request = event.node.req
  const tooLarge = () => {
    drainThenCut(request)
    return new DomainError('too_large', `${what} is at most ${maxBytes} bytes`)
  }
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge())
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = () => {
      request.off('data', onData)
      request.off('end', onEnd)
      request.off('error', onError)
      request.off('aborted', onAborted)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      finish()
      chunks.length = 0
      reject(tooLarge())
    }
    const onEnd = () => {
      finish()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      finish()
      reject(error)
    }
    const onAborted = () => onError(new DomainError('invalid', 'the request was aborted before its body ended'))
    request.on('data', onData)
    request.on('end', onEnd)
    request.on('error', onError)
    request.on('aborted', onAborted)
  })
}
