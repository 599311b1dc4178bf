import { findProduct, patchProduct } from '../../domain/products'
import { uploadFor } from '../../domain/uploads'

// Not in PROTOCOL.md: a product photo (multipart: `productId`, file field `image`); sets `imageUrl`.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { url } = await uploadFor(event, 'image', 'image', 'productId', findProduct,
    (store, id, imageUrl) => patchProduct(store, id, { imageUrl }))
  setResponseStatus(event, 201)
  return { imageUrl: url }
})
