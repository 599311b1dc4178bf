// What the relay can carry, measured as it runs (PROTOCOL.md, "Capacity and overload"): the share
// of a core its thread runs, how far behind the publishers' packets it forwards them, and
// what it sends. A process that is nearly full turns the next viewer away (503) before it starves
// the ones it has; one that fell behind anyway lets its newest viewers go. Unguarded, the relay
// lost the publisher at 200 viewers (session 2) and, once the publisher had a thread of its own,
// queued its packets without bound: at 130 native viewers on a 2-core box shared with the load
// generator, every viewer's picture came 6 s late, then 19 s.
import { readFileSync } from 'node:fs'
import { performance, type EventLoopUtilization } from 'node:perf_hooks'

/** What the relay may spend. */
export interface CapacityBudget {
  /** The share of a core its thread may spend (0-1), past which it takes no new viewer (NUXT_MEDIA_MAX_LOAD). */
  maxLoad: number
  /** Bits per second all viewers together may be sent (NUXT_MEDIA_MAX_EGRESS_MBPS); none: no limit of its own. */
  maxEgressBps?: number
}

/** Nanoseconds this thread has run on a CPU (Linux's per-thread schedstat); undefined where unreadable. */
function threadCpuNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0])
  }
  catch {
    return undefined
  }
}

/**
 * The share of a core this thread ran since the previous call: its own work. Not the event loop's
 * busy share, which counts the time the thread waits its turn on a CPU: beside Chromiums decoding
 * on two cores, a thread with five viewers read 0.75-0.99 busy for its 0.05 of work, refused
 * customers and let two of its five viewers go (viewer-join benchmark). Where the kernel does not
 * tell (not Linux), the event loop's busy share stands in.
 */
export function threadLoad(readCpuNs: () => number | undefined = threadCpuNs): () => number {
  let lastCpu = readCpuNs()
  if (lastCpu === undefined || Number.isNaN(lastCpu)) return eventLoopLoad()
  let lastAt = performance.now()
  return () => {
    const cpu = readCpuNs() ?? lastCpu!
    const at = performance.now()
    const share = at > lastAt ? (cpu - lastCpu!) / 1e6 / (at - lastAt) : 0
    lastCpu = cpu
    lastAt = at
    return Math.min(1, Math.max(0, share))
  }
}

/** This thread's event loop utilization since the previous call. */
function eventLoopLoad() {
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
/** Readings with nobody watching that tell the idle load (3 s). */
const RECENT = 6
/** Readings over which the load counts as lasting (2 s): for the room, and for holding viewers below the top layer. */
const LASTING = 4
/** A thread this busy right now takes nobody more, whatever the viewers were measured to cost. */
const SATURATED = 0.95
/**
 * How long the publishers' packets wait for the thread is followed smoothed over about this long
 * (ms): a GC pause or a burst of joins fades, a queue shows within a second. Judged on each packet
 * alone, one on time between late ones reset the count, and at 200 viewers the thread stayed 600 ms
 * behind (5 % lost) without ever being judged behind.
 */
const LAG_SMOOTHING_MS = 500
/** Packets waiting longer than this (ms), smoothed, on a thread busy with its own work (busyWithViewers): nobody more, for a second after. */
const ADMIT_LAG_MS = 150
const LATE_REFUSES_FOR_MS = 1000
/** Packets waiting longer than this, smoothed, for LASTING_MS on end: more viewers than the thread can feed, the newest go. */
const LET_GO_LAG_MS = 400
const LASTING_MS = LASTING * SAMPLE_MS
/** The share of the viewers let go for each LET_GO_LAG_MS it is behind (at most half of them at once). */
const LET_GO_SHARE = 0.1
/** Late packets refuse viewers and let them go only from this share of the budget of the thread's own work (busyWithViewers). */
const BUSY_SHARE_OF_BUDGET = 0.5
/**
 * After a let-go, the viewers kept are what the thread was shown to carry: no more are taken for
 * this long, then one more each CEILING_RISE_MS. Without it the viewers refused came back after
 * their Retry-After, were admitted as the queue drained, and were let go again (300 offered on
 * this box: four rounds, 193 let go, 72 kept, where 200 offered kept all 200).
 */
const CEILING_HOLD_MS = 30_000
const CEILING_RISE_MS = 2000

/** The middle value (the upper of the two middle ones); 0 for none. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** What the capacity reads of its thread; tests give readings of their choosing. */
export interface CapacityProbes {
  /** The share of a core the thread ran since the last call (threadLoad). */
  readLoad?: () => number
  /** How far behind (ms) the thread is, read twice a second as if a packet had waited that long (the relay itself tells each packet's wait to noteLag). */
  readLag?: () => number
  /** The clock (ms) lag is judged by. */
  now?: () => number
}

/**
 * The relay thread's load and what its viewers cost. `room` answers how many more viewers the
 * process can take by what the viewers it holds (some still connecting) will cost once
 * connected, so parallel offers cannot pass it together. A viewer's cost is the least measured
 * over the last readings (perViewer): joining is dearer than watching (a new viewer's cached
 * picture goes out at once), and a burst of joins must not read as what every viewer costs for
 * good. A thread saturated right now, or behind its packets, takes nobody; one that stays behind
 * lets its newest viewers go and then takes no more than it kept for a while (noteLag, ceiling).
 */
export class RelayCapacity {
  /** Smoothed share of a core the thread runs. */
  load = 0
  /** The load with no viewer (the publishers, the recorders). */
  private idleLoad = 0
  /** Each reading's load, the viewers connected then, and whether any were still joining (their handshakes cost the thread more than watching does). */
  private readonly readings: Array<{ utilization: number, viewers: number, joining: boolean }> = []
  private readonly timer: ReturnType<typeof setInterval>
  private readonly readLoad: () => number
  private readonly readLag?: () => number
  private readonly now: () => number
  /** The packets' wait, smoothed, and when the last one came; when it was last past ADMIT_LAG_MS; since when it has been past LET_GO_LAG_MS (0: not behind); when viewers last went. */
  private smoothedLag = 0
  private lagAt: number
  private lateAt = -Infinity
  private behindSince = 0
  private letGoAt = -Infinity
  /** The viewers kept at the last let-go: the most the thread was shown to carry. */
  private shownToCarry = Infinity

  /**
   * `counts`: the viewers connected, whose cost is measured, and those still joining;
   * `letGo(count)`: the thread fell behind, `count` viewers must go (the newest, Relay decides).
   */
  constructor(readonly budget: CapacityBudget, private readonly counts: () => { connected: number, joining: number }, private readonly letGo: (count: number) => void = () => {}, probes: CapacityProbes = {}) {
    this.readLoad = probes.readLoad ?? threadLoad()
    this.readLag = probes.readLag
    this.now = probes.now ?? (() => performance.now())
    this.lagAt = this.now()
    this.timer = setInterval(() => this.sample(), SAMPLE_MS)
    this.timer.unref?.()
  }

  sample() {
    const utilization = this.readLoad()
    this.load = this.load ? this.load * 0.5 + utilization * 0.5 : utilization
    const { connected: viewers, joining } = this.counts()
    this.readings.push({ utilization, viewers, joining: joining > 0 })
    if (this.readings.length > WINDOW) this.readings.shift()
    // What the thread spends without viewers: read while none watch (the median of the last such
    // readings: one busy half-second once refused a first viewer), and never more than it spends now.
    if (viewers === 0) this.idleLoad = median(this.readings.slice(-RECENT).filter(reading => reading.viewers === 0).map(reading => reading.utilization))
    else if (utilization < this.idleLoad) this.idleLoad = utilization
    if (this.readLag) this.noteLag(this.readLag())
  }

  /**
   * A publisher's packet reached this thread `ms` after it was received. Judged as packets come,
   * not on a timer: a thread far behind runs its timers seconds late (seen: 10 s), its queue first.
   * Behind for good, the viewers it has cost more than the thread can give (more than measured, or
   * the machine got busier), and waiting makes every picture later: a share of them goes, the more
   * the further behind; only packets queued after that judge it again (a queue seconds deep takes
   * seconds to drain: judged on its old packets, three rounds let 91 of 140 viewers go).
   */
  noteLag(ms: number) {
    const now = this.now()
    const since = now - this.lagAt
    this.lagAt = now
    // Queued before viewers last went: what it says of the load is already acted on, but while that
    // queue drains nobody new comes in (once, the drain reopened the door and the let-go refilled).
    if (now - ms < this.letGoAt) {
      if (ms > ADMIT_LAG_MS) this.lateAt = now
      return
    }
    this.smoothedLag += (ms - this.smoothedLag) * (1 - Math.exp(-since / LAG_SMOOTHING_MS))
    const lag = this.smoothedLag
    if (lag > ADMIT_LAG_MS) this.lateAt = now
    if (lag <= LET_GO_LAG_MS) return void (this.behindSince = 0)
    this.behindSince ||= now
    if (now - this.behindSince < LASTING_MS) return
    // Only a thread busy with its own work has viewers to shed: one starved of the CPU by the rest
    // of the machine does little in its turns (seen: four Chromiums decoding beside seven viewers
    // kept packets 400 ms late, and two viewers were let go for nothing).
    const viewers = this.counts().connected
    if (!viewers || !this.busyWithViewers) return
    this.letGoAt = now
    this.behindSince = 0
    this.smoothedLag = 0
    const count = Math.max(1, Math.ceil(viewers * Math.min(0.5, LET_GO_SHARE * lag / LET_GO_LAG_MS)))
    this.shownToCarry = viewers - count
    this.letGo(count)
  }

  /** The most viewers the thread may hold now by what the last let-go showed (Infinity: none yet). */
  private ceiling(): number {
    const since = this.now() - this.letGoAt
    if (since < CEILING_HOLD_MS) return this.shownToCarry
    return this.shownToCarry + Math.floor((since - CEILING_HOLD_MS) / CEILING_RISE_MS)
  }

  /**
   * What one more viewer costs of the thread's time, once connected: the least measured over the
   * last readings taken while nobody was joining, as joining is dearer than watching and a burst of
   * joins must not read as what every viewer costs for good (read during the first ten's joins, a
   * viewer cost 0.054 of the thread and the eleventh of 50 was refused; the median refused half of
   * them). It can read too cheap (a quiet half-second between key frames): the load as read bounds
   * the room too, and a thread that falls behind anyway refuses and lets viewers go (noteLag).
   */
  perViewer(): number {
    const measured = this.readings.filter(reading => reading.viewers >= MEASURED_FROM && !reading.joining)
      .map(reading => (reading.utilization - this.idleLoad) / reading.viewers)
    const costs = measured.length ? measured : [PRIOR_VIEWER_LOAD]
    // Nor more than the load that lasts says: readings just after a batch connected carry its
    // cached pictures (at 20 viewers one read 0.5 of the thread while it lasted at 0.1, and the
    // 26th of 50 was refused). Read while others join too: what they add only makes the price
    // dearer, and viewers joining without a pause (ten every half-second once each answer took
    // 30 ms) left no reading without joins but the first few, and 67 of 100 were admitted.
    const recent = this.readings.slice(-LASTING)
    const fewest = Math.min(...recent.map(reading => reading.viewers))
    if (fewest >= MEASURED_FROM) costs.push((this.lastingLoad() - this.idleLoad) / fewest)
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
    // Late packets refuse only a thread busy with its own work, as they let viewers go only then:
    // one the rest of the machine keeps waiting is not behind for its viewers, and a viewer more
    // costs it little, where refused, a customer waits the Retry-After (5 s). Seen: a show's first
    // customer on a busy CI box sent to HLS; in the viewer-join benchmark, Chromiums on two cores
    // kept a thread with five viewers waiting, and customers waited 5-8 s.
    const late = this.busyWithViewers && this.now() - this.lateAt < LATE_REFUSES_FOR_MS
    if (this.load > SATURATED || late) return 0
    const cost = this.perViewer()
    // By the model (idle load and each viewer's cost) and by the load as read lately: a busier
    // machine makes every viewer dearer than the model has measured yet (seen: 117 native viewers
    // modelled at 0.57 of the thread while it read 0.65-0.78, and 28 more admitted fell it behind).
    const modelled = this.idleLoad + cost * viewers
    const measured = this.lastingLoad() + cost * (viewers - this.counts().connected)
    const byLoad = Math.floor((this.budget.maxLoad - Math.max(modelled, measured)) / cost)
    const { maxEgressBps } = this.budget
    const byEgress = maxEgressBps && bitrate > 0 ? Math.floor((maxEgressBps - Math.max(egressBps, viewers * bitrate)) / bitrate) : Infinity
    return Math.max(0, Math.min(byLoad, byEgress, this.ceiling() - viewers))
  }

  /**
   * Whether the thread's own work is enough that its lateness is its viewers' doing: half its
   * budget. Its load counts only the time it ran, so a thread the machine starves reads low
   * however late its packets; one starved while busy (seen: 130 viewers beside the load
   * generator, pictures 6 s late, then 19 s) may never get the whole budget to run, hence half.
   */
  private get busyWithViewers(): boolean {
    return this.load > this.budget.maxLoad * BUSY_SHARE_OF_BUDGET
  }

  /** A lasting load past the budget, halfway to a saturated thread: viewers are held below the top layer. */
  get underPressure(): boolean {
    return this.lastingLoad() > (1 + this.budget.maxLoad) / 2
  }

  close() {
    clearInterval(this.timer)
  }
}
