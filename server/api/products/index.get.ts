export default defineApiHandler(async () => {
  return { items: await (await useStore()).listProducts() }
})
