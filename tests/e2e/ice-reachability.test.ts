// utils/ice-reachability.ts against Chromium's own ICE: a page tells a network WebRTC cannot cross
// from its connection's stats, within a second or so, and never mistakes a connection that works.
// The checks go to a real UDP socket on loopback that reads them and never answers (UDP blocked on
// the way back), or to a second connection in the same page (a network that lets them through).
import { createSocket, type Socket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNANSWERED_CHECKS_MS, whenUnreachable } from '../../utils/ice-reachability'
import { useChromium } from '../support/browser'

type Network = 'checks unanswered' | 'no candidate of its own' | 'open'
interface Outcome { unreachableAfterMs: number | null, connectionState: string }

let blackhole: Socket
let checksHeard = 0
beforeAll(async () => {
  blackhole = createSocket('udp4').on('message', () => checksHeard++)
  await new Promise<void>(resolve => blackhole.bind(0, '127.0.0.1', resolve))
})
afterAll(() => blackhole?.close())

describe('whether WebRTC can connect from here, read off the connection (Chromium)', () => {
  const chromium = useChromium()

  /** A receiving connection answered by a sending one in the same page, ICE as `network` allows; how long after the answer it was found unreachable (null: not within 3 s). */
  async function reachability(network: Network): Promise<Outcome> {
    const page = await chromium().newPage()
    try {
      return await page.evaluate(async ({ network, blackholePort, detect, unansweredMs }) => {
        const cannotReach = new Function(`return (${detect})`)() as typeof whenUnreachable
        const viewer = new RTCPeerConnection(network === 'no candidate of its own' ? { iceTransportPolicy: 'relay' } : {})
        const server = new RTCPeerConnection()
        viewer.addTransceiver('video', { direction: 'recvonly' })
        server.addTransceiver('video', { direction: 'sendonly' })
        await viewer.setLocalDescription()
        await server.setRemoteDescription(viewer.localDescription!)
        await server.setLocalDescription()
        let sdp = server.localDescription!.sdp
        // The blackhole in place of the server's own candidates (the relay and Janus put theirs in the answer).
        if (network === 'checks unanswered') sdp = sdp.replace(/a=candidate:.*\r\n/g, '').replace(/(m=video[^\r]*\r\n)/, `$1a=candidate:1 1 udp 2122260223 127.0.0.1 ${blackholePort} typ host\r\n`)
        else {
          viewer.onicecandidate = ({ candidate }) => candidate && server.addIceCandidate(candidate)
          server.onicecandidate = ({ candidate }) => candidate && viewer.addIceCandidate(candidate)
        }
        await viewer.setRemoteDescription({ type: 'answer', sdp })
        const answeredAt = performance.now()
        const unreachableAfterMs = await Promise.race([
          cannotReach(viewer, unansweredMs).then(() => Math.round(performance.now() - answeredAt)),
          new Promise<null>(resolve => setTimeout(() => resolve(null), 3000)),
        ])
        const outcome = { unreachableAfterMs, connectionState: viewer.connectionState }
        viewer.close()
        server.close()
        return outcome
      }, { network, blackholePort: blackhole.address().port, detect: whenUnreachable.toString(), unansweredMs: UNANSWERED_CHECKS_MS })
    }
    finally {
      await page.close()
    }
  }

  it('checks that nothing answers: unreachable a second after they start, while they still go out', async () => {
    const heardBefore = checksHeard
    const { unreachableAfterMs, connectionState } = await reachability('checks unanswered')
    expect(checksHeard - heardBefore).toBeGreaterThan(5)
    expect(unreachableAfterMs).toBeGreaterThanOrEqual(UNANSWERED_CHECKS_MS)
    expect(unreachableAfterMs).toBeLessThan(UNANSWERED_CHECKS_MS + 1000)
    expect(connectionState).toBe('connecting')
  })

  it('no candidate of its own to check from: unreachable at the first look', async () => {
    const { unreachableAfterMs } = await reachability('no candidate of its own')
    expect(unreachableAfterMs).not.toBeNull()
    expect(unreachableAfterMs).toBeLessThan(UNANSWERED_CHECKS_MS)
  })

  it('a connection that comes up is never taken for unreachable', async () => {
    expect(await reachability('open')).toEqual({ unreachableAfterMs: null, connectionState: 'connected' })
  })
})
