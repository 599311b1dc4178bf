import { setResponseHeader, type H3Event } from 'h3'
import { DomainError } from '../domain/errors'

/**
 * Reads a request's raw body, refusing it (413) as soon as it passes `maxBytes`, whether the
 * client declared its length or sent it chunked: what is kept in memory never exceeds the cap.
 * On refusal the rest of the body is not read into memory (the stream is paused) and the answer
 * closes the connection, so a client cannot keep pouring bytes into the same socket.
 */
export function readCappedBody(event: H3Event, maxBytes: number, what = 'the body'): Promise<Buffer> {
  const request = event.node.req
  const tooLarge = () => {
    setResponseHeader(event, 'Connection', 'close')
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
      request.pause()
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
