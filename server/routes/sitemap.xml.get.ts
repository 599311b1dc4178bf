import { sitemap } from '../domain/sharing'

// The pages of live, scheduled and replayable shows, for search engines.
export default defineApiHandler(async (event) => {
  const xml = await sitemap(await useCore(), publicBase(event))
  setResponseHeaders(event, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'public, max-age=300' })
  return xml
})
