// Figures for the benchmark tables: percentiles, a printed table, and the results file.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './server.mjs'

export function percentile(sorted, share) {
  if (!sorted.length) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]
}

/** p50, p90, p99 and max of a list of numbers (it is sorted in place). */
export function summarize(values) {
  values.sort((a, b) => a - b)
  return { count: values.length, p50: percentile(values, 0.5), p90: percentile(values, 0.9), p99: percentile(values, 0.99), max: values.at(-1) ?? Number.NaN }
}

export const round = (value, digits = 1) => Number.isFinite(value) ? Number(value.toFixed(digits)) : value
export const mb = bytes => round(bytes / 1024 / 1024)
export const kb = bytes => round(bytes / 1024)

/** The command-line switches every benchmark understands. */
export function options(defaults) {
  const argv = process.argv.slice(2)
  const quick = argv.includes('--quick')
  const parsed = { quick }
  for (const [key, value] of Object.entries(defaults)) {
    const flag = argv.find(arg => arg.startsWith(`--${key}=`))
    parsed[key] = flag ? (typeof value === 'number' ? Number(flag.split('=')[1]) : flag.split('=')[1]) : value
  }
  return parsed
}

export function printTable(title, rows) {
  console.log(`\n${title}`)
  console.table(rows)
}

/** Writes bench/results/<name>.json (or <name>.quick.json) with the machine it ran on. */
export function saveResults(name, quick, results) {
  const dir = join(ROOT, 'bench/results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}${quick ? '.quick' : ''}.json`)
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 1024 ** 3), node: process.version }
  writeFileSync(file, `${JSON.stringify({ name, quick, at: new Date().toISOString(), machine, ...results }, null, 2)}\n`)
  console.log(`\nwrote ${file}`)
  return file
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
