// `schema-sentinel serve` as a real child process: real signals, real exit codes, and every
// byte of stdout and stderr kept so tests can search them for secrets and crashes.
import { spawn, type ChildProcess } from 'node:child_process'
import type { Test } from 'tap'
import { CLI_ENTRY } from './cli.js'
import { pollPath } from './poll.js'
import { freePort } from './postgres.js'

export interface Exit { readonly code: number | null, readonly signal: NodeJS.Signals | null }

export interface ChildService {
  readonly url: string
  readonly port: number
  readonly child: ChildProcess
  readonly exited: Promise<Exit>
  running (): boolean
  stdout (): string
  stderr (): string
  get (path: string, init?: RequestInit): Promise<Response>
  /** Polls `path` until `predicate` holds; throws with the last answer after `timeoutMs`. */
  waitFor (path: string, predicate: (res: Response, body: string) => boolean, timeoutMs?: number, init?: RequestInit): Promise<{ res: Response, body: string }>
}

const LISTENING = 'schema-sentinel is listening'

export async function spawnService (t: Test, env: Record<string, string | undefined>): Promise<ChildService> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  let alive = true
  child.stdout!.on('data', (c: Buffer) => { out += String(c) })
  child.stderr!.on('data', (c: Buffer) => { err += String(c) })
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => { alive = false; resolve({ code, signal }) })
  })
  t.teardown(async () => {
    if (alive) child.kill('SIGKILL')
    await exited
  })
  const until = Date.now() + 20_000
  while (!out.includes(LISTENING)) {
    if (!alive) throw new Error(`serve exited before listening: ${err || out}`)
    if (Date.now() > until) throw new Error(`serve did not start listening: ${err || out}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  const url = `http://127.0.0.1:${port}`
  const get = (path: string, init?: RequestInit) => fetch(url + path, init)
  return {
    url,
    port,
    child,
    exited,
    running: () => alive,
    stdout: () => out,
    stderr: () => err,
    get,
    waitFor: (path, predicate, timeoutMs, init) => pollPath(get, path, predicate, timeoutMs, init)
  }
}
