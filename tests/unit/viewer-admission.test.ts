import { describe, expect, it } from 'vitest'
import { memorySlots } from '../../server/domain/slots'
import { createViewerAdmission } from '../../server/domain/viewer-admission'

describe('WHEP admission', () => {
  it('gives a burst of parallel viewers from one address exactly its places, and each back when its session ends', async () => {
    const admission = createViewerAdmission(memorySlots(), { perAddress: 3, perDevice: 2 })
    const tries = await Promise.allSettled(Array.from({ length: 10 }, () => admission.admit({ address: '198.51.100.1' })))
    const admitted = tries.filter(one => one.status === 'fulfilled').map(one => (one as PromiseFulfilledResult<Awaited<ReturnType<typeof admission.admit>>>).value)
    expect(admitted).toHaveLength(3)
    for (const one of tries.filter(one => one.status === 'rejected')) expect((one as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited', data: { retryAfterSeconds: 10 } })
    admitted.forEach((one, index) => one.bind(`session-${index}`))
    await admission.ended('session-0')
    await admission.ended('session-0')
    await admission.ended('unknown')
    const next = await admission.admit({ address: '198.51.100.1' })
    await expect(admission.admit({ address: '198.51.100.1' })).rejects.toMatchObject({ code: 'rate_limited' })
    // An offer that failed gives its place back unbound.
    await next.release()
    await expect(admission.admit({ address: '198.51.100.1' })).resolves.toBeDefined()
  })

  it('counts a browser on its own, and gives back the address place when the browser has none left', async () => {
    const slots = memorySlots()
    const admission = createViewerAdmission(slots, { perAddress: 10, perDevice: 2 })
    await admission.admit({ address: '198.51.100.2', deviceId: 'device-a' })
    await admission.admit({ address: '198.51.100.2', deviceId: 'device-a' })
    await expect(admission.admit({ address: '198.51.100.2', deviceId: 'device-a' })).rejects.toMatchObject({ message: expect.stringMatching(/this browser/) })
    // The refused one took no place of the address: 8 more fit, from other browsers.
    for (let n = 0; n < 8; n++) await admission.admit({ address: '198.51.100.2', deviceId: `device-${n}` })
    await expect(admission.admit({ address: '198.51.100.2' })).rejects.toMatchObject({ message: expect.stringMatching(/this address/) })
  })
})
