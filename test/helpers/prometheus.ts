// A real Prometheus server (Debian's /usr/bin/prometheus) on 127.0.0.1 with temp storage,
// for end-to-end tests of scraping and alert rules. Stopped by the caller (t.teardown).
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './postgres.js'
import { superviseTool } from './tool-process.js'

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
  const tool = superviseTool(child, { signal: 'SIGTERM', graceMs: 5000, dir })
  const url = `http://127.0.0.1:${port}`
  const until = Date.now() + 20_000
  for (;;) {
    if (tool.gone()) {
      await tool.stop()
      throw new Error(`prometheus exited with ${child.exitCode}:\n${tool.logs()}`)
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)
    if (ready) break
    if (Date.now() > until) {
      await tool.stop()
      throw new Error(`prometheus not ready after 20 s:\n${tool.logs()}`)
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
    logs: tool.logs,
    stop: tool.stop
  }
}

export const PROMTOOL = '/usr/bin/promtool'

/** Pipes an exposition into `promtool check metrics` (it reads stdin); code 0 and no output mean clean. */
export function promtoolCheckMetrics (body: string): Promise<{ code: number, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 })
    let output = ''
    child.stdout.on('data', (d) => { output += String(d) })
    child.stderr.on('data', (d) => { output += String(d) })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
    child.stdin.end(body)
  })
}
