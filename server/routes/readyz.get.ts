// Whether to send this process traffic (readiness): the store, the bus and the media backend
// answer, and it is not draining. From SIGTERM on it answers 503 before its sockets are closed.
export default defineEventHandler(async (event) => {
  const app = await useApp().catch(() => null)
  const readiness = app ? await app.readiness() : { ready: false, draining: false, checks: { started: false } }
  setResponseHeader(event, 'Cache-Control', 'no-store')
  if (!readiness.ready) setResponseStatus(event, 503)
  return readiness
})
