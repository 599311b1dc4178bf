import { StockBySkuBody } from '#shared/schemas/product'
import { setStockBySku } from '../../domain/product-import'

// The brand's system keeps stock in step by SKU (PROTOCOL.md, "Catalogue"): `{ updated, unknown }`.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { items } = await readValidatedBody(event, zodCheck(StockBySkuBody))
  return setStockBySku(await useCore(), items)
})
