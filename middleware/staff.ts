// Page guard for /moderate: admins and moderators. The socket and the API check the role themselves.
export default defineNuxtRouteMiddleware(async (to) => {
  const session = useSessionStore()
  await session.load()
  if (!session.user) return navigateTo({ path: '/login', query: { next: to.fullPath } })
  if (!session.isStaff) return abortNavigation(createError({ statusCode: 403, statusMessage: 'Moderation is for the brand\'s moderators only.' }))
})
