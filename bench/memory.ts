// Part 4: the service's resident memory (a child process; /proc/<pid>/status) under HTTP load,
// with the big manifest beside the same service with a small one, so the manifest's share shows.
import { getHeapStatistics } from 'node:v8'
import type { Build } from './build.js'
import { memoryOf, spawnNode, startOnFreePort, type Memory } from './children.js'
import type { LoadResult } from './load.js'
import { loadGenerator, pinServer } from './wrk.js'
import { fmt, infoRow, targetRow, type PartResult, type Section } from './table.js'

const LIMIT_KB = 150 * 1024
const TUNED = ['--max-old-space-size=256', '--max-semi-space-size=4']
const heapLimitMb = getHeapStatistics().heap_size_limit / 1024 ** 2

interface Scenario {
  readonly name: string
  readonly env: Record<string, string>
  /** node flags before the script. */
  readonly flags?: readonly string[]
  readonly loadS: number
}

interface Measured {
  readonly scenario: Scenario
  readonly readyKb: number
  readonly peakKb: number
  readonly served: LoadResult
  readonly status: number
  /** schema:drift after the load: its finding count, or its output when it did not finish. */
  readonly drift: string
}

async function underLoad (args: readonly string[], s: Scenario): Promise<Measured> {
  const { child, url } = await startOnFreePort((port) =>
    spawnNode([...(s.flags ?? []), ...args], { ...s.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), '/health/ready', 120_000)
  try {
    await pinServer(child.pid)
    const ready = memoryOf(child.pid)
    let peak: Memory = ready
    const sampler = setInterval(() => {
      const m = memoryOf(child.pid)
      if (m.rssKb > peak.rssKb) peak = m
    }, 100)
    // No HEALTH_TOKEN: details are public, so every request gets the whole body with findings.
    const served = await loadGenerator().run(`${url}/health/schema`, { durationS: s.loadS })
    clearInterval(sampler)
    const res = await fetch(`${url}/health/schema`)
    const body = await res.json() as { checks?: Record<string, Array<{ observedValue?: unknown, output?: string }>> }
    const drift = body.checks?.['schema:drift']?.[0]
    const end = memoryOf(child.pid)
    return {
      scenario: s,
      readyKb: ready.rssKb,
      peakKb: Math.max(end.hwmKb, peak.rssKb),
      served,
      status: res.status,
      drift: typeof drift?.observedValue === 'number' ? `${drift.observedValue} findings` : drift?.output ?? 'absent'
    }
  } finally {
    await child.stop()
  }
}

interface Db { readonly url: string, readonly manifest: string, readonly tables: number }

export interface MemoryOptions {
  readonly build: Build
  readonly small: Db
  readonly big: Db
}

export async function benchMemory (opts: MemoryOptions): Promise<PartResult> {
  const built = opts.build.cli !== undefined
  const args = built ? [opts.build.cli!, 'serve'] : ['--import', 'tsx', 'src/bin.ts', 'serve']
  const how = built ? 'built' : 'tsx'
  const env = (db: Db) => ({ DATABASE_URL: db.url, EXPECTED_SCHEMA: db.manifest })
  const big = fmt.int(opts.big.tables)
  const small = await underLoad(args, { name: `${fmt.int(opts.small.tables)}-table manifest`, env: env(opts.small), loadS: 10 })
  const real = await underLoad(args, { name: `${big}-table manifest`, env: env(opts.big), loadS: 20 })
  // Node sizes its heap from the memory it sees: this VM's RAM, or a container's limit.
  const capped = await underLoad(args, { name: `${big}-table manifest, --max-old-space-size=256`, env: env(opts.big), flags: ['--max-old-space-size=256'], loadS: 20 })
  // A smaller young generation: under load V8 grows each semi-space to 16 MB, all of it resident.
  const tuned = await underLoad(args, { name: `${big}-table manifest, ${TUNED.join(' ')}`, env: env(opts.big), flags: TUNED, loadS: 20 })
  const section: Section = {
    title: `Memory: the service (${how}) under 50 connections from ${loadGenerator().name} on /health/schema, details public`,
    headers: ['service', 'load', 'RSS when ready', 'peak RSS (VmHWM)', 'req/s during load', '/health/schema after', 'schema:drift after'],
    rows: [small, real, capped, tuned].map((m) => [m.scenario.name, `${m.scenario.loadS} s`, fmt.mb(m.readyKb), fmt.mb(m.peakKb), fmt.rps(m.served.rps), String(m.status), m.drift]),
    notes: [
      'Peak is VmHWM from /proc/<pid>/status at the end (it covers start-up too); RSS also sampled every 100 ms. Default CHECK_INTERVAL_MS (10 s) and CHECK_TIMEOUT_MS: the first round (before ready, so inside VmHWM) reads all 100,000 columns through the cursor; the two or three rounds during 20 s of load read the catalog fingerprint only (the database is unchanged). The big database has planted fail-level drifts, so its /health/schema answers 503 by design. No HEALTH_TOKEN: every response carries the details (findings).',
      `Node sizes its heap ceiling from the memory it sees: ${(heapLimitMb / 1024).toFixed(1)} GB on this VM, which lets V8 defer full collections until the heap is about four times its live size. In a 512 MB container (Render's starter plan) Node 20 picks a ceiling of about 256 MB: the --max-old-space-size=256 row. \`serve\` shapes V8's heap (src/heap-tuning.ts): until the first Report V8 optimises for size (--optimize-for-size, set and unset at run time), so that loading the manifest and the first round, which make most of start-up's garbage, do not let the old generation grow to several times what is alive; and the young generation is held at its first size through start-up, then at most two 4 MB semi-spaces (V8's growth factor, which it reads each time it would grow, is switched between 1 and 2: exact on Node 20, softer on Node 26, whose V8 grows it page by page). A semi-space flag in NODE_OPTIONS turns both off, so the last row is V8's own sizing with that setting. Before issue 17, start-up survivors and then load grew the young generation to two 16 MB semi-spaces, all resident.`
    ]
  }
  return {
    rows: [
      targetRow(`Peak RSS under HTTP load, ${big}-table manifest (${how})`, `${fmt.mb(real.peakKb)} (${fmt.x(real.peakKb / small.peakKb)} the ${fmt.int(opts.small.tables)}-table one)`, '<= 150 MB', real.peakKb / LIMIT_KB, real.peakKb <= LIMIT_KB),
      infoRow(`Peak RSS, same, heap sized as in a 512 MB container (${how})`, fmt.mb(capped.peakKb), fmt.x(capped.peakKb / LIMIT_KB)),
      infoRow(`Peak RSS, same, NODE_OPTIONS="${TUNED.join(' ')}" (${how})`, `${fmt.mb(tuned.peakKb)} at ${fmt.x(tuned.served.rps / real.served.rps)} the req/s`, fmt.x(tuned.peakKb / LIMIT_KB)),
      infoRow(`Peak RSS under HTTP load, ${fmt.int(opts.small.tables)}-table manifest (${how})`, fmt.mb(small.peakKb))
    ],
    sections: [section]
  }
}
