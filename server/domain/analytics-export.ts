import { csvName, toCsv } from '../utils/csv'
import { livestreamAnalytics } from './analytics'
import type { Core } from './core'
import { findLivestream } from './livestreams'

const percent = (share: number | null) => share === null ? '' : `${Math.round(share * 1000) / 10}%`

/** A show's orders as CSV: one row per line, with the order's total and where it ships. */
export async function ordersCsv(core: Core, livestreamId: string) {
  const stream = await findLivestream(core, livestreamId)
  const orders = await core.store.listOrders({ livestreamId })
  const rows = orders.flatMap(order => order.items.map(item => [
    order.id, order.createdAt, order.userId, item.productId, item.name, item.quantity, item.priceCents / 100, item.dealId ?? '',
    order.totalCents / 100, order.currency, order.shipping.name, order.shipping.email, order.shipping.address,
  ]))
  const header = ['order id', 'time', 'customer id', 'product id', 'product', 'quantity', 'unit price', 'deal id', 'order total', 'currency', 'ship to', 'email', 'address']
  return { filename: csvName(stream.title, 'orders'), csv: toCsv(header, rows) }
}

/** A show's funnel as CSV: each product's steps and the conversion between them. */
export async function funnelCsv(core: Core, livestreamId: string) {
  const stream = await findLivestream(core, livestreamId)
  const { funnel } = await livestreamAnalytics(core, livestreamId)
  const header = ['product id', 'product', 'impressions', 'clicks', 'added to cart', 'checkout started', 'orders', 'click rate', 'add rate', 'checkout rate', 'order rate']
  const rows = funnel.products.map(product => [
    product.productId, product.name, product.impressions, product.clicks, product.addToCart, product.checkout, product.orders,
    percent(product.conversion.click), percent(product.conversion.cart), percent(product.conversion.checkout), percent(product.conversion.order),
  ])
  return { filename: csvName(stream.title, 'funnel'), csv: toCsv(header, rows) }
}
