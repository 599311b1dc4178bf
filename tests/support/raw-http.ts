// HTTP below fetch, for what fetch will not do: send from another loopback address (a second
// client), set the Host header, or pour an endless chunked body and see when the server stops it.
import { request } from 'node:http'

export interface RawAnswer { status: number, headers: Record<string, string | string[] | undefined>, text: string }

export interface RawRequest {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  /** The client's own address, e.g. 127.0.0.2: the server sees another address than 127.0.0.1. */
  from?: string
}

/** One request, answered whole; never throws on a 4xx or 5xx. */
export function rawRequest({ url, method = 'GET', headers = {}, body, from }: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, localAddress: from }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Sends a chunked body of up to `megabytes` MiB, a MiB at a time as fast as the server takes it,
 * and answers the status the server gave (or 0 if it cut the connection without one) and how
 * much was written by then.
 */
export function pourBody(url: string, method: string, headers: Record<string, string>, megabytes: number): Promise<{ status: number, sentMiB: number }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    let sent = 0
    let done = false
    const finish = (status: number) => {
      if (done) return
      done = true
      req.destroy()
      resolve({ status, sentMiB: sent })
    }
    const req = request(url, { method, headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume()
      finish(res.statusCode!)
    })
    req.on('error', () => finish(0))
    const pour = () => {
      while (!done && sent < megabytes) {
        sent++
        if (!req.write(chunk)) return void req.once('drain', pour)
      }
      if (!done) req.end()
    }
    pour()
  })
}
