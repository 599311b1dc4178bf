import { DomainError } from '../domain/errors'

// An unknown API path answers JSON 404, not the app's HTML error page.
export default defineApiHandler((event) => {
  throw new DomainError('not_found', `no such endpoint: ${event.method} ${event.path.split('?')[0]}`)
})
