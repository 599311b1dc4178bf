import { BlockList, isIP } from 'node:net'
import { resolveAddress } from '../utils/client-address'

/** NUXT_METRICS_ALLOW as a BlockList (addresses and CIDR ranges, v4 and v6) of who may scrape. */
function allowList(entries: string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address, bits] = entry.split('/')
    const type = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4'
    if (!isIP(address ?? '')) continue
    if (bits === undefined) list.addAddress(address!, type)
    else list.addSubnet(address!, Number(bits), type)
  }
  return list
}

let allowed: { entries: string, list: BlockList } | undefined

// Prometheus metrics, only for the addresses in NUXT_METRICS_ALLOW (loopback by default); others
// get a 404, as if there were nothing here.
export default defineEventHandler(async (event) => {
  const config = serverConfig()
  const entries = config.metricsAllow.join(',')
  if (allowed?.entries !== entries) allowed = { entries, list: allowList(config.metricsAllow) }
  const address = resolveAddress(event.node.req.socket?.remoteAddress, getHeader(event, 'x-forwarded-for'), config.proxyHops)
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
  if (!isIP(address) || !allowed.list.check(address, type)) throw answerError(event, createError({ statusCode: 404, message: 'not found' }))
  const { metrics } = await useApp()
  setResponseHeader(event, 'Content-Type', metrics.contentType)
  return metrics.text()
})
