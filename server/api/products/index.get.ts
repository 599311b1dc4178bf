import { listProducts } from '../../domain/products'

export default defineApiHandler(async () => {
  const core = await useCore()
  return { items: await listProducts(core) }
})
