import { robots } from '../domain/sharing'

// For crawlers: the shows' pages, not the studio, the moderators' page or the API (PROTOCOL.md, "Sharing").
export default defineEventHandler((event) => {
  setResponseHeaders(event, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=3600' })
  return robots(publicBase(event))
})
