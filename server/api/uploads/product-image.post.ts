import { findProduct, patchProduct } from '../../domain/products'

// Not in PROTOCOL.md: a product photo (multipart: `productId`, file field `image`); sets `imageUrl`.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const imageUrl = await receiveUploadFor(event, await useCore(), 'image', 'image', {
    idField: 'productId',
    find: findProduct,
    attach: (core, id, url) => patchProduct(core, id, { imageUrl: url }),
  })
  setResponseStatus(event, 201)
  return { imageUrl }
})
