// Part 4: the service's resident memory (a child process; /proc/<pid>/status) under HTTP load,
// with the big manifest beside the same service with none, so the manifest's share shows.
import { freePort } from '../dev/embedded-postgres.js'
import type { Build } from './build.js'
import { memoryOf, spawnNode, waitForStatus, type Memory } from './children.js'
import { TOKEN } from './http.js'
import { load, type LoadResult } from './load.js'
import { fmt, infoRow, targetRow, type PartResult, type Section } from './table.js'

const LIMIT_KB = 150 * 1024

interface Measured {
  readonly name: string
  readonly startedKb: number
  readonly peakKb: number
  readonly served: LoadResult
  readonly status: number
  /** schema:drift after the load: its finding count, or its output when it did not finish. */
  readonly drift: string
}

async function underLoad (name: string, args: readonly string[], env: Record<string, string>, durationS: number): Promise<Measured> {
  const port = await freePort()
  const child = spawnNode(args, { ...env, HEALTH_TOKEN: TOKEN, PORT: String(port), HOST: '127.0.0.1', CHECK_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' })
  try {
    const url = `http://127.0.0.1:${port}`
    await waitForStatus(`${url}/health/ready`, 200, 120_000)
    const started = memoryOf(child.pid)
    let peak: Memory = started
    const sampler = setInterval(() => {
      const m = memoryOf(child.pid)
      if (m.rssKb > peak.rssKb) peak = m
    }, 100)
    const headers = { authorization: `Bearer ${TOKEN}` }
    const served = await load(`${url}/health/schema`, { durationS, headers })
    clearInterval(sampler)
    const res = await fetch(`${url}/health/schema`, { headers })
    const body = await res.json() as { checks?: Record<string, Array<{ observedValue?: unknown, output?: string }>> }
    const drift = body.checks?.['schema:drift']?.[0]
    const end = memoryOf(child.pid)
    return {
      name,
      startedKb: started.rssKb,
      peakKb: Math.max(end.hwmKb, peak.rssKb),
      served,
      status: res.status,
      drift: typeof drift?.observedValue === 'number' ? `${drift.observedValue} findings` : drift?.output ?? 'absent'
    }
  } finally {
    await child.stop()
  }
}

export interface MemoryOptions {
  readonly build: Build
  readonly small: { readonly url: string, readonly manifest: string, readonly tables: number }
  readonly big: { readonly url: string, readonly manifest: string, readonly tables: number }
  readonly durationS: number
}

export async function benchMemory (opts: MemoryOptions): Promise<PartResult> {
  const built = opts.build.cli !== undefined
  const args = built ? [opts.build.cli!, 'serve'] : ['--import', 'tsx', 'src/cli.ts', 'serve']
  const how = built ? 'built' : 'tsx'
  const bare = await underLoad(`${fmt.int(opts.small.tables)}-table manifest and database`, args, { DATABASE_URL: opts.small.url, EXPECTED_SCHEMA: opts.small.manifest }, opts.durationS)
  const big = await underLoad(`${fmt.int(opts.big.tables)}-table manifest and database`, args, { DATABASE_URL: opts.big.url, EXPECTED_SCHEMA: opts.big.manifest }, opts.durationS)
  const section: Section = {
    title: `Memory: the service (${how}) under 50 connections on /health/schema with details`,
    headers: ['service', 'RSS when ready', 'peak RSS (VmHWM)', 'req/s during load', '/health/schema after', 'schema:drift after'],
    rows: [bare, big].map((m) => [m.name, fmt.mb(m.startedKb), fmt.mb(m.peakKb), fmt.rps(m.served.rps), String(m.status), m.drift]),
    notes: [
      `${opts.durationS} s of load; CHECK_INTERVAL_MS=1000 so rounds (a full catalog read and diff each) keep running during it; default CHECK_TIMEOUT_MS. RSS sampled every 100 ms from /proc/<pid>/status, peak is VmHWM at the end.`
    ]
  }
  return {
    rows: [
      targetRow(`Peak RSS under HTTP load, ${fmt.int(opts.big.tables)}-table manifest (${how})`, `${fmt.mb(big.peakKb)} (${fmt.x(big.peakKb / bare.peakKb)} the ${fmt.int(opts.small.tables)}-table one)`, '<= 150 MB', big.peakKb / LIMIT_KB, big.peakKb <= LIMIT_KB),
      infoRow(`Peak RSS under HTTP load, ${fmt.int(opts.small.tables)}-table manifest (${how})`, fmt.mb(bare.peakKb))
    ],
    sections: [section]
  }
}
