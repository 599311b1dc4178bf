import { SOCKET_TICKET_S } from '../../domain/sessions'

// A one-use, 30-second ticket for the socket's upgrade (`/_ws?ticket=`): the embedded player has
// no cookie and must not put its session token in a URL, where proxies log it.
export default defineApiHandler(async (event) => {
  const user = await requireUser(event)
  const ticket = await (await useCore()).sessions.socketTicket(user)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return { ticket, expiresInSeconds: SOCKET_TICKET_S }
})
