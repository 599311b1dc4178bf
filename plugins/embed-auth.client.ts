import { currentEmbedToken, isEmbedded, keepEmbedToken } from '../utils/embed-auth'

// In the embedded player, every API call carries the frame's token, and a sign-in's answer (a
// guest's name) keeps the token it brings: see utils/embed-auth.ts for why not a cookie.
export default defineNuxtPlugin(() => {
  if (!isEmbedded()) return
  globalThis.$fetch = $fetch.create({
    onRequest({ options }) {
      const token = currentEmbedToken()
      if (!token) return
      const headers = new Headers(options.headers as HeadersInit | undefined)
      headers.set('authorization', `Bearer ${token}`)
      options.headers = headers
    },
    onResponse({ response }) {
      const token = (response._data as { token?: unknown } | undefined)?.token
      if (typeof token === 'string') keepEmbedToken(token)
    },
  }) as typeof $fetch
})
