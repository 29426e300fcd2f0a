// Child processes the bench runs: the service (tsx or built), its own HTTP server, autocannon.
// Each runs as its own node process so the load generator and the server use different cores.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../dev/embedded-postgres.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

export interface NodeChild {
  readonly proc: ChildProcess
  readonly pid: number
  /** stdout and stderr so far (for error messages). */
  output (): string
  exited (): boolean
  /** Resolves with the first stdout line that matches. */
  line (pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop (): Promise<void>
}

/** Spawns `node <args>` with exactly `env` (plus PATH and HOME), from the repository root. */
export function spawnNode (args: readonly string[], env: Record<string, string>): NodeChild {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  const waiters: Array<() => void> = []
  const onData = (chunk: Buffer): void => {
    out += chunk.toString()
    if (out.length > 1_000_000) out = out.slice(-500_000)
    for (const w of [...waiters]) w()
  }
  proc.stdout?.on('data', onData)
  proc.stderr?.on('data', onData)
  const exited = new Promise<void>((resolve) => proc.once('exit', () => { resolve(); for (const w of [...waiters]) w() }))
  if (proc.pid === undefined) throw new Error(`could not spawn node ${args.join(' ')}`)
  return {
    proc,
    pid: proc.pid,
    output: () => out,
    exited: () => proc.exitCode !== null || proc.signalCode !== null,
    line (pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { remove(); reject(new Error(`timed out waiting for ${pattern} from node ${args.join(' ')}:\n${out.slice(-2000)}`)) }, timeoutMs)
        const check = (): void => {
          const m = new RegExp(pattern.source, pattern.flags.includes('m') ? pattern.flags : pattern.flags + 'm').exec(out)
          if (m !== null) { remove(); resolve(m); return }
          if (proc.exitCode !== null || proc.signalCode !== null) { remove(); reject(new Error(`node ${args.join(' ')} exited (${proc.exitCode ?? proc.signalCode}):\n${out.slice(-2000)}`)) }
        }
        const remove = (): void => { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1) }
        waiters.push(check)
        check()
      })
    },
    async stop () {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      const force = setTimeout(() => proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(force)
    }
  }
}

export interface Memory {
  /** Resident set size now, kB. */
  readonly rssKb: number
  /** Peak resident set size since start (VmHWM), kB. */
  readonly hwmKb: number
}

export function memoryOf (pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') }
}

/** Polls `url` until it answers `status`; resolves with the time it first did (performance.now()). */
export async function waitForStatus (url: string, status: number, timeoutMs = 30_000, everyMs = 5, alive: () => boolean = () => true): Promise<number> {
  const until = performance.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === status) return performance.now()
    } catch { /* not listening yet */ }
    if (!alive()) throw new Error(`the server for ${url} exited before answering ${status}`)
    if (performance.now() > until) throw new Error(`timed out waiting for ${status} from ${url}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

export interface Started {
  readonly child: NodeChild
  readonly url: string
  /** performance.now() just before the spawn, and when `path` first answered 200. */
  readonly spawnedAt: number
  readonly readyAt: number
}

/**
 * Spawns a server on a free port and waits for `path` to answer 200. When the child exits first,
 * tries again on another port: a probe to a port nobody listens on yet can be given that same
 * port as its own source port (TCP self-connect), and the server then cannot listen on it.
 */
export async function startOnFreePort (spawn: (port: number) => NodeChild, path: string, timeoutMs = 60_000): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const spawnedAt = performance.now()
    const child = spawn(port)
    const url = `http://127.0.0.1:${port}`
    try {
      const readyAt = await waitForStatus(url + path, 200, timeoutMs, 5, () => !child.exited())
      return { child, url, spawnedAt, readyAt }
    } catch (err) {
      const exitedFirst = child.exited()
      await child.stop()
      if (!exitedFirst || attempt >= 3) throw new Error(`${(err as Error).message}:\n${child.output().slice(-1500)}`)
      const last = child.output().trim().split('\n').pop() ?? ''
      process.stderr.write(`bench: the server for ${url} exited before it was ready (${last.slice(0, 200)}); trying another port\n`)
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
