// A real Prometheus server (Debian's /usr/bin/prometheus) on 127.0.0.1 with temp storage,
// for end-to-end tests of scraping and alert rules. Stopped by the caller (t.teardown).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './postgres.js'

export const PROMETHEUS = '/usr/bin/prometheus'

export interface Prometheus {
  readonly url: string
  /** GET /api/v1/<path> and return `data` (throws on a non-success answer). */
  api<T = unknown> (path: string): Promise<T>
  logs (): string
  stop (): Promise<void>
}

/** `files`: name -> content, written next to prometheus.yml (rule files, for instance). */
export async function startPrometheus (config: string, files: Readonly<Record<string, string>> = {}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-prom-'))
  writeFileSync(join(dir, 'prometheus.yml'), config)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  const port = await freePort()
  const child = spawn(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn'
  ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => { log += String(d) })
  child.stderr.on('data', (d) => { log += String(d) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const until = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`)
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)
    if (ready) break
    if (Date.now() > until) {
      await stop()
      throw new Error(`prometheus not ready after 20 s:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    async api<T> (path: string): Promise<T> {
      const res = await fetch(`${url}/api/v1/${path}`)
      const body = await res.json() as { status: string, data: T, error?: string }
      if (body.status !== 'success') throw new Error(`prometheus /api/v1/${path}: ${body.error ?? res.status}`)
      return body.data
    },
    logs: () => log,
    stop
  }
}
