// Part 5: from process start to /health/ready 200, built and under tsx, beside the time a bare
// node HTTP server takes to answer its first request (the floor any node service pays).
import type { Build } from './build.js'
import { spawnNode, startOnFreePort } from './children.js'
import { fmt, infoRow, median, targetRow, type PartResult, type Row, type Section } from './table.js'

const TSX: Variant = { name: 'tsx: node --import tsx src/bin.ts serve', args: ['--import', 'tsx', 'src/bin.ts', 'serve'], path: '/health/ready' }
const built = (cli: string): Variant => ({ name: 'built: node dist/bin.js serve', args: [cli, 'serve'], path: '/health/ready' })
/** The built service when the build worked: tsx's transpiling is not part of a real start. */
const realVariant = (build: Build): Variant => build.cli !== undefined ? built(build.cli) : TSX

const BARE_NODE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`

interface Variant {
  readonly name: string
  readonly args: readonly string[]
  readonly path: string
  readonly env?: Record<string, string>
}

/** Spawns, polls every 5 ms until `path` answers 200, stops; returns the elapsed ms. */
async function timeToReady (v: Variant, env: Record<string, string>): Promise<number> {
  const { child, spawnedAt, readyAt } = await startOnFreePort((port) =>
    spawnNode(v.args, { ...env, ...v.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), v.path)
  await child.stop()
  return readyAt - spawnedAt
}

export interface StartupOptions {
  /** A reachable database and its manifest. */
  readonly small: { readonly url: string, readonly manifest: string, readonly tables: number }
  readonly build: Build
  readonly runs: number
}

export async function benchStartup (opts: StartupOptions): Promise<PartResult> {
  const real = realVariant(opts.build)
  const variants: Variant[] = [{ name: 'bare node HTTP server (floor)', args: ['-e', BARE_NODE], path: '/' }, real]
  if (real !== TSX) variants.push(TSX)
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]))
  for (let i = 0; i < opts.runs; i++) {
    for (const v of variants) times.get(v.name)!.push(await timeToReady(v, { DATABASE_URL: opts.small.url, EXPECTED_SCHEMA: opts.small.manifest }))
  }
  const floor = median(times.get(variants[0]!.name)!)
  const table = variants.map((v) => {
    const ms = median(times.get(v.name)!)
    return [v.name, fmt.ms(ms), fmt.x(ms / floor), times.get(v.name)!.map((t) => Math.round(t)).join(', ')]
  })
  const rows: Row[] = []
  const realMs = median(times.get(real.name)!)
  rows.push(targetRow(`Start-up to /health/ready 200 (${real.name.split(':')[0]})`, `${fmt.ms(realMs)} (${fmt.x(realMs / floor)} bare node)`, '<= 1000 ms', realMs / 1000, realMs <= 1000))
  if (real !== TSX) {
    const tsxMs = median(times.get(TSX.name)!)
    rows.push(infoRow('Start-up to /health/ready 200 (tsx)', fmt.ms(tsxMs), `${fmt.x(tsxMs / floor)} bare node`))
  }
  const section: Section = {
    title: 'Start-up: process spawn to the first 200 from /health/ready (first round finished)',
    headers: ['command', 'median', 'vs bare node', 'each run (ms)'],
    rows: table,
    notes: [
      `${opts.runs} runs per command, alternating; the parent polls every 5 ms. Readiness needs the first round (connectivity, revision, drift against a ${opts.small.tables}-table manifest) to have finished.`,
      `Build: tsc -p tsconfig.build.json into a temporary directory (${fmt.ms(opts.build.ms)})${opts.build.problem !== undefined ? `; tsc said: ${opts.build.problem}` : ''}. tsx transpiles every module at start, so the built figure is the real one.`
    ]
  }
  return { rows, sections: [section] }
}

/** Start-up when the manifest is big: loading it and the first full round are both on the way to ready. */
export async function benchStartupWithManifest (build: Build, big: { readonly url: string, readonly manifest: string, readonly tables: number }): Promise<PartResult> {
  const v = realVariant(build)
  const ms = await timeToReady(v, { DATABASE_URL: big.url, EXPECTED_SCHEMA: big.manifest })
  return {
    rows: [infoRow(`Start-up to ready with the ${fmt.int(big.tables)}-table manifest (${v.name.split(':')[0]})`, fmt.ms(ms), ms <= 1000 ? 'within 1 s' : 'over 1 s')],
    sections: []
  }
}
