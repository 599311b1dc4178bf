// Page guard for /studio: sends visitors to the login page. The server checks the role on every
// API call anyway; this only spares a customer a page that would refuse them.
export default defineNuxtRouteMiddleware(async (to) => {
  const session = useSessionStore()
  await session.load()
  if (!session.user) return navigateTo({ path: '/login', query: { next: to.fullPath } })
  if (!session.isAdmin) return abortNavigation(createError({ statusCode: 403, statusMessage: 'The studio is for the brand\'s hosts only.' }))
})
