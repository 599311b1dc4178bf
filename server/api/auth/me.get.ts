export default defineApiHandler(async (event) => {
  const auth = await requireUser(event)
  const user = await (await useStore()).getUser(auth.id)
  // A valid token for a user who no longer exists is as good as none.
  if (!user) throw createError({ statusCode: 401, message: 'this account no longer exists' })
  return { user: publicUser(user) }
})
