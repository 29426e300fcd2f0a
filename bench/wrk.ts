// wrk (Debian's `wrk`, C) as the load generator when it is installed: it needs far less CPU per
// request than autocannon, so on 2 cores the server, not the load generator, sets the pace.
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { availableParallelism } from 'node:os'
import { load, type LoadOptions, type LoadResult } from './load.js'

export const WRK = '/usr/bin/wrk'
export const TASKSET = '/usr/bin/taskset'

function executable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export const hasWrk = (): boolean => executable(WRK)

/**
 * Servers on CPU 0, the load generator on CPU 1 (when taskset is there and there are 2 CPUs):
 * which core the scheduler picks for whom otherwise moves req/s by a third between runs.
 */
export const pinning = (): boolean => executable(TASKSET) && availableParallelism() >= 2

/** Pins a running process, all its threads, to CPU 0. */
export async function pinServer (pid: number): Promise<void> {
  if (!pinning()) return
  await new Promise<void>((resolve, reject) => {
    execFile(TASKSET, ['-a', '-p', '-c', '0', String(pid)], (err) => err !== null ? reject(err) : resolve())
  })
}

const ms = (value: string, unit: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? Number.NaN)

export async function loadWrk (url: string, opts: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${opts.connections ?? 50}`, `-d${opts.durationS}s`, '--latency']
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`)
  args.push(url)
  const [command, argv] = pinning() ? [TASKSET, ['-c', '1', WRK, ...args]] : [WRK, args]
  const out = await new Promise<string>((resolve, reject) => {
    execFile(command, argv, { timeout: (opts.durationS + 30) * 1000 }, (err, stdout, stderr) => err !== null ? reject(new Error(`wrk failed against ${url}: ${stderr || err.message}`)) : resolve(stdout))
  })
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0)
  const latency = (p: string): number => { const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(out); return m === null ? Number.NaN : ms(m[1]!, m[2]!) }
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  return {
    url,
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50: Math.round(latency('50') * 10) / 10,
    p99: Math.round(latency('99') * 10) / 10,
    bad: num(/Non-2xx or 3xx responses: (\d+)/) + (errors === null ? 0 : errors.slice(1).reduce((a, n) => a + Number(n), 0))
  }
}

/** wrk when installed, else autocannon. */
export function loadGenerator (): { readonly name: string, run: (url: string, opts: LoadOptions) => Promise<LoadResult> } {
  const pinned = pinning() ? ', pinned to CPU 1 (the servers to CPU 0)' : ''
  return hasWrk() ? { name: `wrk (1 thread${pinned})`, run: loadWrk } : { name: 'the autocannon CLI', run: load }
}
