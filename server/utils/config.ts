import { isAbsolute, resolve } from 'node:path'

/** The server's settings, resolved once from runtime config (NUXT_* variables, see README). */
export function serverConfig() {
  const config = useRuntimeConfig()
  const dataDir = String(config.dataDir || '.data')
  const demoData = String(config.demoData ?? '')
  return {
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    mongodbUri: String(config.mongodbUri || ''),
    redisUrl: String(config.redisUrl || ''),
    jwtSecret: String(config.jwtSecret || ''),
    adminEmail: String(config.adminEmail || (import.meta.dev ? 'admin@wrencos.local' : '')),
    adminPassword: String(config.adminPassword || (import.meta.dev ? 'wrencos-admin' : '')),
    corsOrigins: String(config.corsOrigins || '').split(',').map(origin => origin.trim()).filter(Boolean),
    trustProxy: ['true', '1'].includes(String(config.trustProxy ?? '')),
    // Demo products and a scheduled stream: on by default in dev, off in production unless asked for.
    demoData: demoData === '' ? import.meta.dev : demoData === 'true' || demoData === '1',
  }
}
