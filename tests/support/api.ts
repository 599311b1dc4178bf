// A small HTTP client for API tests: answers status, headers and parsed body, never throws on 4xx.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked by the tests' own assertions */
import { inject } from 'vitest'

export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
}

export interface ApiOptions {
  method?: string
  token?: string
  /** A JSON value, or a raw string/Buffer with `contentType`. */
  body?: unknown
  raw?: string | Buffer | FormData
  contentType?: string
  headers?: Record<string, string>
  /** Another server than the shared test server. */
  base?: string
}

export const baseURL = () => inject('baseURL')
export const adminToken = () => inject('adminToken')

export async function api<T = any>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let body: BodyInit | undefined
  if (options.raw !== undefined) {
    body = options.raw as BodyInit
    if (options.contentType) headers['content-type'] = options.contentType
  }
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] = 'application/json'
  }
  const response = await fetch(`${options.base ?? baseURL()}${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  }
  catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T }
}

let guestCount = 0

/** A fresh guest customer and its token. */
export async function guest(displayName = `Guest ${++guestCount}`) {
  const response = await api<{ token: string, user: { id: string } }>('/api/auth/guest', { body: { displayName } })
  if (response.status !== 201) throw new Error(`guest sign-up failed: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body
}

export async function createStream(overrides: Record<string, unknown> = {}) {
  const response = await api('/api/livestreams', { token: adminToken(), body: { title: 'Test show', quality: '720p', ...overrides } })
  if (response.status !== 201) throw new Error(`create stream failed: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body.livestream as { id: string, status: string }
}

export async function createProduct(overrides: Record<string, unknown> = {}) {
  const response = await api('/api/products', { token: adminToken(), body: { name: 'Test lipstick', priceCents: 1500, currency: 'EUR', stock: 10, ...overrides } })
  if (response.status !== 201) throw new Error(`create product failed: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body.product as { id: string, stock: number, name: string }
}

/** A stream that is live now. */
export async function liveStream() {
  const stream = await createStream()
  const started = await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', token: adminToken() })
  if (started.status !== 200) throw new Error(`start failed: ${started.status}`)
  return started.body.livestream as { id: string }
}
