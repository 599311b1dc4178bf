// The benchmarks' quick mode (a few seconds, small sizes), so they cannot rot: each must run to
// the end and pass its own checks (nothing lost, every like counted, memory bounded). Their
// figures are not judged here: bench/README.md holds the real runs. They live in the e2e project,
// whose files run one at a time: run beside the browser tests, their load made those time out.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { haveJanus } from '../support/janus'
import { haveFfmpeg } from '../support/media-source'
import { REDIS_URL, haveRedis } from '../support/redis'
import { ROOT, runScript } from '../support/server'

const runQuick = (script: string, ...args: string[]) => runScript(join('bench', script), [...args, '--quick'])

const results = (name: string) => JSON.parse(readFileSync(join(ROOT, 'bench/results', `${name}.quick.json`), 'utf8'))

async function expectFanout(args: string[], name: string) {
  const run = await runQuick('fanout.mjs', ...args)
  expect(run.code, run.output).toBe(0)
  const [figures] = results(name).runs
  expect(figures.delivered).toBe(figures.expected)
  expect(figures.expected).toBeGreaterThan(0)
}

describe.sequential('benchmarks, quick mode', () => {
  it('fan-out delivers every line to every socket, and so do its peers (bare ws, Socket.IO) in the same run', async () => {
    await expectFanout([], 'fanout')
    const [figures] = results('fanout').runs
    expect(figures.peers.bare).toMatchObject({ peer: 'bare ws', sockets: figures.sockets, lost: 0 })
    expect(figures.peers.socketIo).toMatchObject({ peer: 'Socket.IO', sockets: figures.sockets, lost: 0 })
    expect(figures.peers.p99VsBare).toBeGreaterThan(0)
    expect(figures.peers.p99VsSocketIo).toBeGreaterThan(0)
  }, 180_000)

  it.skipIf(!haveRedis)('and so it does over two processes joined by Redis', async () => {
    await expectFanout(['--processes=2', `--redis=${REDIS_URL}`], 'fanout-redis')
  }, 120_000)

  it('the like storm counts every like once', async () => {
    const run = await runQuick('likestorm.mjs')
    expect(run.code, run.output).toBe(0)
    const figures = results('likestorm')
    expect(figures.likesCounted).toBe(figures.likesSent)
    expect(figures.updateFramesPerSocketPerSecond.max).toBeLessThanOrEqual(5)
    // The machine's reference in the same run: the bare handler answered. (The paced storm's own
    // figure is the share of the offered likes taken, which any day's machine keeps above nothing.)
    expect(figures.bare.requestsPerSecond).toBeGreaterThan(0)
    expect(figures.likesAccepted).toBeGreaterThan(0)
    expect(figures.acceptedShare).toBeGreaterThan(0)
  }, 120_000)

  it('viewer join measures first frames in Chromium in every mode, against the bare floor, and register-to-offer', async () => {
    const run = await runQuick('viewer-join.mjs')
    expect(run.code, run.output).toBe(0)
    const figures = results('viewer-join')
    expect(figures.floor.firstFrameMs.all).toHaveLength(figures.joins)
    expect(figures.modes.map((mode: { mode: string }) => mode.mode)).toEqual(['p2p', 'relay', ...(haveJanus ? ['janus'] : [])])
    for (const mode of figures.modes) {
      expect(mode.firstFrameMs.all).toHaveLength(figures.joins)
      expect(mode.vsFloor).toBeGreaterThan(0)
      // The crowd's cases ran too: a late viewer with others watching, three at once.
      expect(mode.crowds.lateJoinerMs).toBeGreaterThan(0)
      expect(mode.crowds.lateJoinersMs).toHaveLength(1)
      expect(mode.crowds.togetherMs).toHaveLength(3)
      expect(mode.firstFrameMs.script.kilobytes).toBeGreaterThan(0)
    }
    expect(figures.registerToOfferMs.median).toBeGreaterThan(0)
  }, 240_000)

  it('HTTP compares the read with a bare handler of the same JSON', async () => {
    const run = await runQuick('http.mjs')
    expect(run.code, run.output).toBe(0)
    const figures = results('http')
    expect(figures.read.requestsPerSecond).toBeGreaterThan(0)
    expect(figures.bare.requestsPerSecond).toBeGreaterThan(0)
    // Every accepted like is counted; autocannon stops without the answers of the requests in flight
    // (one per connection at most), whose likes the server counted too.
    expect(figures.like.likesCounted - figures.like.ok).toBeGreaterThanOrEqual(0)
    expect(figures.like.likesCounted - figures.like.ok).toBeLessThanOrEqual(figures.connections)
    // Capacity where the server is saturated: every like request answered (2xx and 429) against the bare handler.
    expect(figures.likeRequestsToBareRatio).toBeGreaterThan(0)
    // The show's page, both ways: every request answered with the page.
    for (const page of [figures.page.anonymous, figures.page.signedIn]) expect([page.ok > 0, page.non2xx, page.errors]).toEqual([true, 0, 0])
  }, 120_000)

  it('uploads and finalizes without holding the file in memory', async () => {
    const run = await runQuick('upload.mjs')
    expect(run.code, run.output).toBe(0)
    for (const row of results('upload').rows) expect(row['RSS growth MB']).toBeLessThan(64)
  }, 120_000)

  it.skipIf(!haveFfmpeg)('the relay carries one publisher to every viewer and the chat beside it', async () => {
    const run = await runQuick('relay.mjs')
    expect(run.code, run.output).toBe(0)
    const figures = results('relay')
    const [viewers] = figures.runs
    expect(viewers.received).toBe(viewers.viewers)
    expect(viewers.fps.min).toBeGreaterThan(10)
    expect(viewers.viewerKbps.min).toBeGreaterThan(100)
    expect(figures.chat.lost).toBe(0)
    // With Janus: janus mode, the peer (bare Janus fed directly) and an origin with two edges carried the same source to every viewer.
    if (haveJanus) {
      for (const runs of [figures.janusRuns, figures.bareJanusRuns, figures.edgeRuns]) {
        expect(runs[0].received).toBe(runs[0].viewers)
        expect(runs[0].fps.min).toBeGreaterThan(10)
      }
    }
  }, 300_000)

  it.skipIf(!haveFfmpeg)('packages a show as HLS in segments of at most 2 s, each timed from the publisher\'s picture', async () => {
    const run = await runQuick('hls.mjs')
    expect(run.code, run.output).toBe(0)
    const figures = results('hls')
    expect(figures.segments.length).toBeGreaterThanOrEqual(3)
    for (const segment of figures.segments) {
      expect(segment.seconds).toBeLessThanOrEqual(2)
      expect(segment.delayMs).toBeGreaterThan(0)
    }
    expect(figures.row['ffmpeg processes']).toBe(2)
  }, 120_000)
})
