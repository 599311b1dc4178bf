import { CreateProductBody } from '#shared/schemas/product'
import { createProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const input = await readValidatedBody(event, zodCheck(CreateProductBody))
  const product = await createProduct(core, input)
  setResponseStatus(event, 201)
  return { product }
})
