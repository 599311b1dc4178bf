// What a replay's video holds, read by ffprobe: how long it runs and the largest hole between two
// of its packets (a recording with no gap has none longer than a frame or two).
import { execFileSync } from 'node:child_process'

export function videoTimeline(url: string) {
  const times = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url])
    .toString().split('\n').filter(Boolean).map(Number).sort((a, b) => a - b)
  let largestGap = 0
  for (let i = 1; i < times.length; i++) largestGap = Math.max(largestGap, times[i]! - times[i - 1]!)
  return { seconds: times.at(-1) ?? 0, largestGap }
}
