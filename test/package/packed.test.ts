// What users install: `npm pack` (prepack builds), the tarball installed into an empty project,
// and the command run through npm's link, node_modules/.bin/schema-sentinel. Packed once per file.
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { runCli } from '../helpers/cli.js'
import { exactEnv } from '../helpers/exact-env.js'
import { pollPath } from '../helpers/poll.js'
import { freePort, startPostgres } from '../helpers/postgres.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

interface Run { code: number | null, stdout: string, stderr: string }

/** The bin link and npm run with this test's node first on PATH, and no npm_* settings of an outer `npm test`. */
const ENV = {
  PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
  HOME: process.env.HOME,
  ...(process.env.npm_config_cache !== undefined ? { npm_config_cache: process.env.npm_config_cache } : {})
}

async function run (file: string, args: string[], opts: { cwd?: string, env?: Record<string, string | undefined>, timeoutMs?: number } = {}): Promise<Run> {
  return await new Promise((resolve) => {
    const [exe, argv] = exactEnv(file, args, { ...ENV, ...opts.env })
    execFile(exe, argv, { cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null
      resolve({ code, stdout, stderr })
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'sentinel-packed-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))

const packed = await run('npm', ['pack', '--json', '--pack-destination', work])
if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`)
const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string, files: Array<{ path: string }> }>
const tarball = join(work, info!.filename)

const project = join(work, 'app')
mkdirSync(project)
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
// The dependencies come from npm's cache when it has them (it does after `npm ci`).
const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project })
if (installed.code !== 0) throw new Error(`npm install of the tarball failed: ${installed.stderr}`)
const BIN = join(project, 'node_modules', '.bin', 'schema-sentinel')
const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> => run(BIN, args, { cwd: project, env })

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const url = await pg.createDatabase('app')
await pg.query(`CREATE TABLE pdfs (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')`, [], 'app')
const manifest = (name: string, columns: Record<string, unknown>): string => {
  const file = join(work, name)
  writeFileSync(file, JSON.stringify({ version: 1, tables: { pdfs: { columns } } }))
  return file
}

t.test('the tarball holds the build and what it reads at run time, not the sources', async (t) => {
  const files = info!.files.map((f) => f.path)
  for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/bin.js', 'dist/cli.js', 'schema/manifest.schema.json', 'contrib/sqlalchemy/export_models.py']) {
    t.ok(files.includes(f), `ships ${f}`)
  }
  t.same(files.filter((f) => /^(src|test|bench|demo|dev|\.ci)\//.test(f)), [], 'no sources, tests or tooling')
})

t.test('no command: help on stderr, exit 2; --version', async (t) => {
  const none = await cli([])
  t.equal(none.code, 2)
  t.match(none.stderr, /^Usage: schema-sentinel/)
  t.equal((await cli(['--version'])).stdout.trim(), '0.1.0')
})

t.test('check: exit 0, 1 and 2 through the bin link', async (t) => {
  const pass = await cli(['check'], { DATABASE_URL: url, EXPECTED_REVISION: 'r1', EXPECTED_SCHEMA: manifest('good.json', { id: { type: 'integer', nullable: false }, name: 'text' }) })
  t.equal(pass.code, 0, pass.stderr)
  t.match(pass.stdout, /^schema-sentinel 0\.1\.0: PASS$/m)

  const drift = await cli(['check', '--expected', manifest('drift.json', { id: {}, processing_started_at: { type: 'timestamp' } })], { DATABASE_URL: url })
  t.equal(drift.code, 1, 'the incident: a column the models expect is missing')
  t.match(drift.stdout, /public\.pdfs\.processing_started_at is expected but missing/)

  const behind = await cli(['check', '--expected-revision', 'r2'], { DATABASE_URL: url })
  t.equal(behind.code, 1, 'another revision than the expected one')

  const dead = await cli(['check'], { DATABASE_URL: `postgres://postgres:${pg.password}@127.0.0.1:${await freePort()}/app`, CHECK_TIMEOUT_MS: '1000' })
  t.equal(dead.code, 2)
  t.match(dead.stderr, /^schema-sentinel: cannot reach the database: connection refused/m)
  t.notMatch(dead.stderr, pg.password)

  const bad = await cli(['check', '--expected', manifest('bad.json', { id: { nullable: 'yes' } })], { DATABASE_URL: url })
  t.equal(bad.code, 2, 'a bad manifest (checked against the shipped schema/manifest.schema.json)')
  t.match(bad.stderr, /nullable/)
})

t.test('heads prints what the checkout prints', async (t) => {
  const dir = join(ROOT, 'demo', 'alembic', 'versions')
  const packedHeads = await cli(['heads', '--versions-dir', dir])
  t.equal(packedHeads.code, 0, packedHeads.stderr)
  t.equal(packedHeads.stdout, (await runCli(['heads', '--versions-dir', dir])).stdout)
  t.match(packedHeads.stdout, /^\w+\n$/)
})

t.test('snapshot prints a manifest that check then finds nothing against', async (t) => {
  const snap = await cli(['snapshot'], { DATABASE_URL: url })
  t.equal(snap.code, 0, snap.stderr)
  const file = join(work, 'snapshot.json')
  writeFileSync(file, snap.stdout)
  t.same(JSON.parse(snap.stdout).alembic, { heads: ['r1'] })
  const again = await cli(['check', '--expected', file], { DATABASE_URL: url })
  t.equal(again.code, 0, again.stdout)
})

t.test('serve answers, and exits 0 on SIGTERM', async (t) => {
  const port = await freePort()
  const [file, args] = exactEnv(BIN, ['serve'], { ...ENV, DATABASE_URL: url, HOST: '127.0.0.1', PORT: String(port), CHECK_INTERVAL_MS: '200' })
  const child = spawn(file, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += String(c) })
  child.stderr.on('data', (c: Buffer) => { out += String(c) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const get = async (path: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(`http://127.0.0.1:${port}${path}`, init)
    } catch {
      return new Response('not listening yet', { status: 599 })
    }
  }
  await pollPath(get, '/health/live', (res) => res.status === 200, 20_000)
  const { body } = await pollPath(get, '/health', (res) => res.status === 200, 10_000)
  t.equal(JSON.parse(body).status, 'pass')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'exit 0 after SIGTERM')
  t.match(out, /"msg":"stopped"/)
})
