// autocannon in its own process (its CLI with --json), so it does not share the server's event loop.
import { join } from 'node:path'
import { ROOT, spawnNode } from './children.js'

const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js')

export interface LoadOptions {
  readonly connections?: number
  readonly durationS: number
  readonly headers?: Readonly<Record<string, string>>
}

export interface LoadResult {
  readonly url: string
  readonly requests: number
  readonly rps: number
  /** Latency percentiles, ms (autocannon's resolution is 1 ms). */
  readonly p50: number
  readonly p99: number
  /** Responses that were not 2xx, plus socket errors and timeouts. */
  readonly bad: number
}

interface AutocannonJson {
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  latency: { p50: number, p99: number }
  requests: { total: number }
}

export async function load (url: string, opts: LoadOptions): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(opts.connections ?? 50), '-d', String(opts.durationS)]
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`)
  args.push(url)
  const child = spawnNode(args, {})
  await new Promise<void>((resolve) => child.proc.once('exit', () => resolve()))
  const text = child.output()
  const start = text.indexOf('{"url"')
  if (child.proc.exitCode !== 0 || start < 0) throw new Error(`autocannon failed against ${url}:\n${text.slice(-2000)}`)
  const json = JSON.parse(text.slice(start, text.indexOf('\n', start) > 0 ? text.indexOf('\n', start) : undefined)) as AutocannonJson
  return {
    url,
    requests: json.requests.total,
    rps: json.requests.total / json.duration,
    p50: json.latency.p50,
    p99: json.latency.p99,
    bad: json.non2xx + json.errors + json.timeouts
  }
}
