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

/**
 * The relay thread's load and what its viewers cost. `room` answers how many more viewers the
 * process can take, judged by the larger of what is measured now and what the viewers already
 * admitted (some still connecting) will cost: parallel offers cannot pass it together.
 */
export class RelayCapacity {
  /** Smoothed share of the thread's time spent working. */
  load = 0
  /** The load with no viewer (the publishers, the recorders). */
  private idleLoad = 0
  private viewersAtSample = 0
  private readonly timer: ReturnType<typeof setInterval>

  /** `readLoad`: the thread's busy share since the last call (tests give one of their choosing). */
  constructor(readonly budget: CapacityBudget, private readonly viewers: () => number, private readonly readLoad = threadLoad()) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    this.timer.unref?.()
  }

  sample() {
    const utilization = this.readLoad()
    this.load = this.load ? this.load * 0.5 + utilization * 0.5 : utilization
    this.viewersAtSample = this.viewers()
    // What the thread spends without viewers: read while none watch, and never more than it spends now.
    if (this.viewersAtSample === 0 || this.load < this.idleLoad) this.idleLoad = this.load
  }

  /** What one more viewer costs of the thread's time. */
  perViewer(): number {
    const watching = this.viewersAtSample
    if (watching < MEASURED_FROM) return PRIOR_VIEWER_LOAD
    return Math.max(PRIOR_VIEWER_LOAD / 4, (this.load - this.idleLoad) / watching)
  }

  /**
   * How many more viewers, at `bitrate` bits/s each, the process can take beside the `viewers` it
   * holds (connected or connecting) and the `egressBps` it sends.
   */
  room(viewers: number, bitrate: number, egressBps: number): number {
    const cost = this.perViewer()
    const load = Math.max(this.load, this.idleLoad + cost * viewers)
    const byLoad = Math.floor((this.budget.maxLoad - load) / cost)
    const { maxEgressBps } = this.budget
    const byEgress = maxEgressBps && bitrate > 0 ? Math.floor((maxEgressBps - Math.max(egressBps, viewers * bitrate)) / bitrate) : Infinity
    return Math.max(0, Math.min(byLoad, byEgress))
  }

  /** Past the budget, halfway to a saturated thread: viewers are held below the top layer. */
  get underPressure(): boolean {
    return this.load > (1 + this.budget.maxLoad) / 2
  }

  close() {
    clearInterval(this.timer)
  }
}
