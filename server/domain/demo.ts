import type { Store } from '../db'
import { variantStockSum, withVariantId } from '../db/variants'

// Their pictures are drawings shipped in public/demo/, so a first run shows a catalogue, not blanks.
const PRODUCTS = [
  { name: 'Dewy Glow Serum', description: 'Niacinamide and squalane for a glass-skin finish. 30 ml.', priceCents: 3400, sku: 'WC-SER-01', stock: 40, imageUrl: '/demo/serum.svg' },
  {
    name: 'Velvet Matte Lipstick',
    description: 'Long-wear, comfortable matte in four shades.',
    priceCents: 2200,
    sku: 'WC-LIP-07',
    imageUrl: '/demo/lipstick.svg',
    variants: [
      { name: 'Rosewood', sku: 'WC-LIP-07-RW', swatch: '#9e4f5c', stock: 20 },
      { name: 'Coral Crush', sku: 'WC-LIP-07-CC', swatch: '#e8674f', stock: 15 },
      { name: 'Nude Petal', sku: 'WC-LIP-07-NP', swatch: '#c99a86', stock: 15 },
      { name: 'Berry Night', sku: 'WC-LIP-07-BN', swatch: '#5d2747', stock: 10 },
    ],
  },
  { name: 'Cloud Cushion Foundation', description: 'Buildable light coverage with SPF 30. Eight shades.', priceCents: 3900, sku: 'WC-FND-03', stock: 25, imageUrl: '/demo/foundation.svg' },
  { name: 'Lash Lift Mascara', description: 'Curl that holds all day; washes off with warm water.', priceCents: 1900, sku: 'WC-MAS-02', stock: 80, imageUrl: '/demo/mascara.svg' },
]

/** Demo catalogue and one scheduled show, for a first `npm run dev`. Only fills an empty database. */
export async function seedDemoData(store: Store): Promise<boolean> {
  const [products, streams] = await Promise.all([store.listProducts(), store.listLivestreams({ limit: 1 })])
  if (products.length || streams.length) return false
  for (const { variants, ...product } of PRODUCTS) {
    const shades = variants?.map(withVariantId)
    await store.createProduct({ stock: 0, ...product, ...(shades ? { variants: shades, stock: variantStockSum(shades) } : {}), currency: 'EUR' })
  }
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000)
  tomorrow.setUTCHours(18, 0, 0, 0)
  await store.createLivestream({
    title: 'Spring Glow: live tutorial and launch',
    description: 'Our new serum and foundation on camera, with a five-minute everyday look. Ask us anything in the chat!',
    quality: '720p',
    scheduledAt: tomorrow.toISOString(),
  })
  return true
}
