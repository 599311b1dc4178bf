// What the relay can carry, measured as it runs (PROTOCOL.md, "Capacity and overload"): the share
// of its thread's time it is busy, and what it sends. A process that is nearly full turns the
// next viewer away (503) before it starves the ones it has or the publisher, whose ICE consent
// checks and packets share this thread: at 200 viewers an unguarded relay lost the publisher.
import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/** What the relay may spend. */
export interface CapacityBudget {
  /** The share of its thread's time (0-1) past which it takes no new viewer (NUXT_MEDIA_MAX_LOAD). */
  maxLoad: number
  /** Bits per second all viewers together may be sent (NUXT_MEDIA_MAX_EGRESS_MBPS); none: no limit of its own. */
  maxEgressBps?: number
}

/** This thread's event loop utilization since the previous call. */
function threadLoad() {
  let last: EventLoopUtilization = performance.eventLoopUtilization()
  return () => {
    const now = performance.eventLoopUtilization()
    const { utilization } = performance.eventLoopUtilization(now, last)
    last = now
    return utilization
  }
}

export const DEFAULT_MAX_LOAD = 0.7
/** How often the thread's load is read. */
const SAMPLE_MS = 500
/** What one viewer costs before enough are watching to measure it (this 2-core box: about 150 fill the thread). */
const PRIOR_VIEWER_LOAD = 1 / 150
/** Viewers needed before their measured cost replaces the prior. */
const MEASURED_FROM = 5

/** Readings kept (10 s): a viewer's cost is the least it was measured at over them. */
const WINDOW = 20
/** Readings over which the load counts as lasting (2 s), for holding viewers below the top layer. */
const LASTING = 4
/** A thread this busy right now takes nobody more, whatever the viewers were measured to cost. */
const SATURATED = 0.95

/**
 * The relay thread's load and what its viewers cost. `room` answers how many more viewers the
 * process can take by what the viewers it holds (some still connecting) will cost once
 * connected, so parallel offers cannot pass it together. A viewer's cost is the least measured
 * over the last readings: joining is dearer than watching (its DTLS handshake runs on this
 * thread), and a burst of joins must not read as what every viewer costs for good. Only a thread
 * saturated right now refuses on what it measures, to keep the publisher's connection alive.
 */
export class RelayCapacity {
  /** Smoothed share of the thread's time spent working. */
  load = 0
  /** The load with no viewer (the publishers, the recorders). */
  private idleLoad = 0
  private readonly readings: Array<{ utilization: number, viewers: number }> = []
  private readonly timer: ReturnType<typeof setInterval>

  /** `viewers`: those connected, whose cost is measured; `readLoad`: the thread's busy share since the last call (tests give one of their choosing). */
  constructor(readonly budget: CapacityBudget, private readonly viewers: () => number, private readonly readLoad = threadLoad()) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    this.timer.unref?.()
  }

  sample() {
    const utilization = this.readLoad()
    this.load = this.load ? this.load * 0.5 + utilization * 0.5 : utilization
    const viewers = this.viewers()
    this.readings.push({ utilization, viewers })
    if (this.readings.length > WINDOW) this.readings.shift()
    // What the thread spends without viewers: read while none watch, and never more than it spends now.
    if (viewers === 0 || utilization < this.idleLoad) this.idleLoad = utilization
  }

  /** What one more viewer costs of the thread's time, once connected. */
  perViewer(): number {
    const costs = this.readings.filter(reading => reading.viewers >= MEASURED_FROM)
      .map(reading => (reading.utilization - this.idleLoad) / reading.viewers)
    if (!costs.length) return PRIOR_VIEWER_LOAD
    return Math.max(PRIOR_VIEWER_LOAD / 4, Math.min(...costs))
  }

  /** The least the thread was busy over the last LASTING readings: a load that lasts, not a burst. */
  private lastingLoad(): number {
    const recent = this.readings.slice(-LASTING)
    return recent.length ? Math.min(...recent.map(reading => reading.utilization)) : 0
  }

  /**
   * How many more viewers, at `bitrate` bits/s each, the process can take beside the `viewers` it
   * holds (connected or connecting) and the `egressBps` it sends.
   */
  room(viewers: number, bitrate: number, egressBps: number): number {
    if (this.load > SATURATED) return 0
    const cost = this.perViewer()
    const byLoad = Math.floor((this.budget.maxLoad - (this.idleLoad + cost * viewers)) / cost)
    const { maxEgressBps } = this.budget
    const byEgress = maxEgressBps && bitrate > 0 ? Math.floor((maxEgressBps - Math.max(egressBps, viewers * bitrate)) / bitrate) : Infinity
    return Math.max(0, Math.min(byLoad, byEgress))
  }

  /** A lasting load past the budget, halfway to a saturated thread: viewers are held below the top layer. */
  get underPressure(): boolean {
    return this.lastingLoad() > (1 + this.budget.maxLoad) / 2
  }

  close() {
    clearInterval(this.timer)
  }
}
