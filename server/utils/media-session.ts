import { getRouterParam, setResponseHeaders, setResponseStatus, type H3Event } from 'h3'
import { IdParams } from '#shared/schemas/common'
import { endMedia, mayPublish, patchMedia, sessionOf } from '../domain/media'
import type { SessionKind } from '../media/backend'

const PATHS: Record<SessionKind, string> = { publisher: 'whip', viewer: 'whep' }

/** Who asks to publish: a signed-in user, or (an encoder) a stream key as the Bearer token. */
export async function publisherOf(event: H3Event) {
  return { user: await getAuthUser(event), bearer: requestToken(event) }
}

/** 201 with the answer and the session's Location (RFC 9725). */
export function answerSession(event: H3Event, id: string, kind: SessionKind, session: { sessionId: string, sdp: string }) {
  setResponseStatus(event, 201)
  setResponseHeaders(event, {
    'Content-Type': 'application/sdp',
    'Location': `/api/livestreams/${id}/${PATHS[kind]}/${session.sessionId}`,
    'Cache-Control': 'no-store',
  })
  return session.sdp
}

/** The show and session a PATCH or DELETE names; a publisher's asks the same credentials as its POST. */
async function sessionRequest(event: H3Event, kind: SessionKind) {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const sessionId = sessionOf(getRouterParam(event, 'session'))
  const core = await useCore()
  if (kind === 'publisher') await mayPublish(core, id, await publisherOf(event))
  return { core, id, sessionId }
}

/** PATCH: trickled candidates (204), or an ICE restart (200 with the server's fragment). */
export function patchSessionHandler(kind: SessionKind) {
  return defineApiHandler(async (event) => {
    const { core, id, sessionId } = await sessionRequest(event, kind)
    const fragment = await readSdpBody(event, 'application/trickle-ice-sdpfrag')
    const answer = await patchMedia(core, id, kind, sessionId, fragment)
    if (!answer) {
      setResponseStatus(event, 204)
      return null
    }
    setResponseHeaders(event, { 'Content-Type': 'application/trickle-ice-sdpfrag' })
    return answer
  })
}

/** DELETE: the session ends (a publisher's does not end the show). */
export function deleteSessionHandler(kind: SessionKind) {
  return defineApiHandler(async (event) => {
    const { core, id, sessionId } = await sessionRequest(event, kind)
    await endMedia(core, id, kind, sessionId)
    return { ended: sessionId }
  })
}
