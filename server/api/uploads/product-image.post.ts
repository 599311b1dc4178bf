import { findProduct, patchProduct } from '../../domain/products'
import { attachUpload } from '../../domain/uploads'

// Not in PROTOCOL.md: a product photo (multipart: `productId`, file field `image`); sets `imageUrl`.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const core = await useCore()
  const { fields, file } = await receiveUpload(event, core.paths, 'image', 'image')
  const { url } = await attachUpload(core, 'image', file, {
    rawId: fields.productId,
    idField: 'productId',
    find: findProduct,
    attach: (core, id, imageUrl) => patchProduct(core, id, { imageUrl }),
  })
  setResponseStatus(event, 201)
  return { imageUrl: url }
})
