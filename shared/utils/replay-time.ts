import type { Livestream, ReplayRun } from '../types/models'

/**
 * Where a moment of the show (an ISO time on the server's clock) is in its replay, in seconds.
 * Inside a run: the run's place plus the time since it began. In the gap between two runs (a
 * studio tab that died, then came back) nothing was recorded: the moment lands where the next run
 * begins. Before the first run, 0; after the last, the end of the replay.
 */
export function replaySecondsAt(runs: ReplayRun[], at: string): number {
  const time = Date.parse(at)
  let end = 0
  for (const run of runs) {
    const sinceStart = (time - Date.parse(run.at)) / 1000
    // Before this run: in the gap after the previous one (or before the first), so where this begins.
    if (sinceStart < 0) return run.replaySeconds
    if (sinceStart <= run.lengthSeconds) return run.replaySeconds + sinceStart
    end = run.replaySeconds + run.lengthSeconds
  }
  return end
}

/**
 * Where a moment of a show is in its replay: through its recorder runs when the studio saved them
 * (a tab that died and came back leaves a gap the replay does not have), else the time since it
 * went live. The replay page's chapters and the share card's Clips both read it.
 */
export function showSecondsAt(show: Pick<Livestream, 'replayRuns' | 'startTime' | 'createdAt'>, at: string): number {
  return show.replayRuns?.length
    ? replaySecondsAt(show.replayRuns, at)
    : Math.max(0, (Date.parse(at) - Date.parse(show.startTime ?? show.createdAt)) / 1000)
}
