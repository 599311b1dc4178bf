// GET /api/openapi.json and the page that shows it to people (issue 26).
import { describe, expect, it } from 'vitest'
import { API_ROUTES } from '../../server/openapi/routes'
import { baseURL } from '../support/api'

describe('the API description', () => {
  it('is served as OpenAPI 3.1 with the site\'s origin, and rendered for people at /api-docs', async () => {
    const answer = await fetch(`${baseURL()}/api/openapi.json`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = await answer.json() as { openapi: string, servers: Array<{ url: string }>, paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers[0]!.url).toBe(baseURL())
    expect(Object.values(doc.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0)).toBe(API_ROUTES.length)
    const page = await fetch(`${baseURL()}/api-docs`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('WrenCos Live API')
    expect(html).toContain('/api/livestreams/{id}/whep')
  })
})
