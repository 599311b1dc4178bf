// An unknown API path answers JSON 404, not the app's HTML error page.
export default defineApiHandler((event) => {
  throw createError({ statusCode: 404, message: `no such endpoint: ${event.method} ${event.path.split('?')[0]}` })
})
