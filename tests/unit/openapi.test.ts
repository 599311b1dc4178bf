// GET /api/openapi.json (issue 26): every route under server/api is described, with the schemas
// its handler validates with, and the document is OpenAPI 3.1.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { compileErrors, validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { openApiDocument } from '../../server/openapi/document'
import { API_ROUTES } from '../../server/openapi/routes'

const API_DIR = join(import.meta.dirname, '../../server/api')

/** Each route file as "METHOD /api/path/{param}" (Nitro's file naming: [id], index, .get.ts; the catch-all 404 aside). */
function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return routeFiles(path)
    const match = /^(.*)\.(get|post|put|patch|delete)\.ts$/.exec(relative(API_DIR, path))
    if (!match) return []
    const route = `/api/${match[1]!}`.replace(/\/index$/, '').replace(/\[(\w+)\]/g, '{$1}')
    return [`${match[2]!.toUpperCase()} ${route}`]
  })
}

describe('the OpenAPI description', () => {
  it('has every route file of server/api, and nothing that is not one', () => {
    const files = routeFiles().sort()
    const described = API_ROUTES.map(route => `${route.method.toUpperCase()} ${route.path}`).sort()
    expect(files.length).toBeGreaterThan(60)
    expect(described).toEqual(files)
  })

  it('validates as OpenAPI 3.1 (a validator of its own, not ours)', async () => {
    const result = await validate(structuredClone(openApiDocument('https://live.example.com')) as never)
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true)
  })

  it('is OpenAPI 3.1 with the request schemas the handlers validate with', () => {
    const doc = openApiDocument('https://live.example.com') as unknown as {
      openapi: string
      servers: Array<{ url: string }>
      paths: Record<string, Record<string, { parameters?: Array<{ name: string, in: string, required?: boolean }>, requestBody?: { content: Record<string, { schema: unknown }> }, responses: Record<string, unknown>, security?: unknown[] }>>
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: 'https://live.example.com' }])
    const reminders = doc.paths['/api/livestreams/{id}/reminders']!.post!
    expect(reminders.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })])
    expect(JSON.stringify(reminders.requestBody!.content['application/json']!.schema)).toContain('"email"')
    expect(Object.keys(reminders.responses)).toEqual(['202', 'default'])
    expect(reminders.security).toEqual([])
    const order = doc.paths['/api/orders']!.post!
    const schema = JSON.stringify(order.requestBody!.content['application/json']!.schema)
    for (const field of ['items', 'productId', 'quantity', 'shipping']) expect(schema).toContain(`"${field}"`)
    expect(order.security).toBeUndefined()
    expect(doc.paths['/api/livestreams/{id}/whep']!.post!.requestBody!.content).toHaveProperty(['application/sdp'])
    expect(doc.paths['/api/livestreams/{id}/chat']!.get!.parameters!.map(p => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:before', 'query:limit'])
  })
})
