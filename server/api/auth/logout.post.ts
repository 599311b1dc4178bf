export default defineApiHandler((event) => {
  endSession(event)
  setResponseStatus(event, 204)
  return null
})
