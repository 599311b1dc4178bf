import { openApiDocument } from '../openapi/document'

// The API's description for developers (OpenAPI 3.1), read by /api-docs and any OpenAPI tool.
export default defineApiHandler((event) => {
  setResponseHeader(event, 'Cache-Control', 'public, max-age=300')
  return openApiDocument(publicBase(event))
})
