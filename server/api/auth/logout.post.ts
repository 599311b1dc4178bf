import { LogoutBody } from '#shared/schemas/auth'

// `{ everywhere: true }` ends every session of the account (every browser it signed in on).

export default defineApiHandler(async (event) => {
  const { everywhere } = await readValidatedBody(event, zodCheck(LogoutBody))
  await endSession(event, { everywhere })
  setResponseStatus(event, 204)
  return null
})
