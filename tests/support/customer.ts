// A bare customer for studio tests, run inside a Chromium page: the socket and RTCPeerConnection
// steps of PROTOCOL.md written out by hand, independent of the app's own customer page, so the
// studio's side of WebRTC is checked against the protocol rather than against itself.
import type { Page } from 'playwright'
import { expect } from 'vitest'
import { appURL } from './browser'

export async function joinAsBareCustomer(page: Page, livestreamId: string) {
  await page.goto(appURL('/login'))
  await page.evaluate((id) => {
    const ws = new WebSocket(`ws://${location.host}/_ws`)
    const pc = new RTCPeerConnection({ iceServers: [] })
    const video = document.createElement('video')
    video.muted = true
    video.autoplay = true
    video.playsInline = true
    video.id = 'bare-customer-video'
    document.body.prepend(video)
    const early: RTCIceCandidateInit[] = []
    let studio: string | undefined
    const send = (frame: object) => ws.send(JSON.stringify(frame))
    pc.ontrack = event => (video.srcObject = event.streams[0]!)
    pc.onicecandidate = event => studio && send({ type: 'webrtc_ice_candidate', to: studio, candidate: event.candidate?.toJSON() ?? null })
    ws.onopen = () => send({ type: 'register', livestreamId: id, sessionId: `bare-${crypto.randomUUID()}` })
    ws.onmessage = async (event) => {
      const message = JSON.parse(event.data)
      if (message.type === 'registered') {
        send({ type: 'webrtc_register', userType: 'customer' })
        send({ type: 'webrtc_new_customer' })
      }
      if (message.type === 'webrtc_offer') {
        studio = message.from
        await pc.setRemoteDescription(message.offer)
        for (const candidate of early.splice(0)) await pc.addIceCandidate(candidate)
        const answer = await pc.createAnswer()
        await pc.setLocalDescription(answer)
        send({ type: 'webrtc_answer', to: message.from, answer: { type: answer.type, sdp: answer.sdp } })
      }
      if (message.type === 'webrtc_ice_candidate' && message.candidate) {
        if (pc.remoteDescription) await pc.addIceCandidate(message.candidate)
        else early.push(message.candidate)
      }
    }
  }, livestreamId)
}

/** Waits until the bare customer's video shows decoded frames that keep advancing. */
export async function expectVideoPlaying(page: Page) {
  const state = () => page.evaluate(() => {
    const video = document.getElementById('bare-customer-video') as HTMLVideoElement
    return { width: video.videoWidth, time: video.currentTime }
  })
  await expect.poll(async () => (await state()).width, { timeout: 15_000 }).toBeGreaterThan(0)
  const before = (await state()).time
  await expect.poll(async () => (await state()).time, { timeout: 5000 }).toBeGreaterThan(before + 0.3)
}
