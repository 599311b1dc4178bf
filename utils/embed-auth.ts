// Inside the player on a brand's site (/embed/:id, a third-party frame) the browser may keep no
// cookie of ours: the session travels as a token instead, kept in this frame's own sessionStorage,
// sent as `Authorization: Bearer` to the API and as `?token=` to the socket.
export const EMBED_TOKEN_KEY = 'wrencos:embed-token'

export const isEmbedded = () => typeof window !== 'undefined' && window.location.pathname.startsWith('/embed/')

export function embedToken(): string | null {
  if (!isEmbedded()) return null
  try {
    return sessionStorage.getItem(EMBED_TOKEN_KEY)
  }
  catch {
    return null
  }
}

export function keepEmbedToken(token: string) {
  try {
    sessionStorage.setItem(EMBED_TOKEN_KEY, token)
  }
  catch {
    // Storage refused (a strict browser): the token lives as long as the page, in the socket's URL and the fetch wrapper.
  }
  memory = token
}

let memory: string | null = null
/** The token, from storage or from this page's memory when storage is refused. */
export const currentEmbedToken = () => embedToken() ?? memory
