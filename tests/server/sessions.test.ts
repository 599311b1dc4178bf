// Sessions end when they should: at logout, everywhere on request, and never outlive what a
// session may last; roles come from the account, not the token.
import { SignJWT } from 'jose'
import { describe, expect, inject, it } from 'vitest'
import { api, guest, liveStream } from '../support/api'
import { TestSocket } from '../support/socket'

const secret = () => new TextEncoder().encode(inject('jwtSecret'))
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())

async function signIn() {
  const response = await api('/api/auth/login', { body: { email: inject('adminEmail'), password: inject('adminPassword') } })
  return response.body.token as string
}

describe('sessions', () => {
  it('end at logout: the same token is refused afterwards', async () => {
    const token = await signIn()
    expect((await api('/api/auth/me', { token })).status).toBe(200)
    expect((await api('/api/auth/logout', { method: 'POST', token })).status).toBe(204)
    expect((await api('/api/auth/me', { token })).status).toBe(401)
    expect((await api('/api/livestreams', { token, body: { title: 'After logout', quality: '720p' } })).status).toBe(401)
  })

  it('end everywhere on request: every token of the account is refused', async () => {
    const { token: first, user } = await guest('Two browsers')
    // A second sign-in of the same guest is not possible, so a registered customer is used.
    const email = `everywhere-${Date.now()}@example.com`
    const registered = await api('/api/auth/register', { body: { email, password: 'long-password-1', displayName: 'Everywhere' } })
    const second = (await api('/api/auth/login', { body: { email, password: 'long-password-1' } })).body.token as string
    expect((await api('/api/auth/me', { token: second })).status).toBe(200)
    expect((await api('/api/auth/logout', { method: 'POST', token: registered.body.token, body: { everywhere: true } })).status).toBe(204)
    expect((await api('/api/auth/me', { token: registered.body.token })).status).toBe(401)
    expect((await api('/api/auth/me', { token: second })).status).toBe(401)
    // Another account is untouched.
    expect((await api('/api/auth/me', { token: first })).body.user.id).toBe(user.id)
  })

  it('take the role from the account, not the token: a customer\'s token claiming admin is still a customer', async () => {
    const { token } = await guest('Would-be admin')
    const { sub, ...claims } = claimsOf(token)
    const promoted = await new SignJWT({ ...claims, role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).sign(secret())
    expect((await api('/api/auth/me', { token: promoted })).body.user.role).toBe('customer')
    expect((await api('/api/livestreams', { token: promoted, body: { title: 'Mine', quality: '720p' } })).status).toBe(403)
  })

  it('refuse a session moved to another account, and a token that claims a longer life than sessions have', async () => {
    const token = await signIn()
    const { sub: _sub, ...claims } = claimsOf(token)
    const elsewhere = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('ffffffffffffffffffffffff').sign(secret())
    expect((await api('/api/auth/me', { token: elsewhere })).status).toBe(401)
    const { exp: _exp, ...rest } = claims
    const tenYears = await new SignJWT(rest).setProtectedHeader({ alg: 'HS256' }).setSubject(claimsOf(token).sub).setExpirationTime(claims.iat + 10 * 365 * 86400).sign(secret())
    expect((await api('/api/auth/me', { token: tenYears })).status).toBe(401)
  })

  it('open a socket from the embedded player with a one-use ticket, so no session token lands in a URL', async () => {
    const { token, user } = await guest('Embedded buyer')
    expect((await api('/api/auth/socket-ticket', { method: 'POST' })).status).toBe(401)
    const issued = await api('/api/auth/socket-ticket', { method: 'POST', token })
    expect(issued.status).toBe(200)
    expect(issued.headers.get('cache-control')).toBe('no-store')
    const { ticket, expiresInSeconds } = issued.body
    expect(expiresInSeconds).toBe(30)
    expect(claimsOf(ticket)).toMatchObject({ sub: user.id, aud: 'wrencos:socket' })
    expect(claimsOf(ticket).exp - claimsOf(ticket).iat).toBe(30)
    // A ticket is no session token: the API refuses it.
    expect((await api('/api/auth/me', { token: ticket })).status).toBe(401)
    const show = await liveStream()
    const socket = await TestSocket.open({ ticket })
    socket.send({ type: 'register', livestreamId: show.id, sessionId: `session-ticket-${Date.now()}` })
    await socket.next('registered')
    socket.send({ type: 'chat_message', message: 'signed in by ticket' })
    expect((await socket.next('chat_message')).user).toMatchObject({ id: user.id, displayName: 'Embedded buyer' })
    socket.close()
    // Taken once: the same ticket, out of a proxy's log, opens nothing.
    await expect(TestSocket.open({ ticket })).rejects.toThrow('upgrade refused: 401')
    await expect(TestSocket.open({ ticket: token })).rejects.toThrow('upgrade refused: 401')
  })
})
