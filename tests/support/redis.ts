// The Redis the multi-process tests use: WRENCOS_TEST_REDIS_URL, else a local one (database 7).
import { Socket } from 'node:net'

export const REDIS_URL = process.env.WRENCOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/7'

function redisAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL)
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.setTimeout(1000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
    socket.connect(Number(port || 6379), hostname)
  })
}

// CI (.ci/run) always starts a Redis; elsewhere, without one, this says so as a skip.
export const haveRedis = await redisAnswers()
if (!haveRedis && process.env.CI) throw new Error(`Redis does not answer at ${REDIS_URL}; .ci/run should have started one`)
