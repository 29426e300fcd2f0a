// A real pgbouncer (Debian's /usr/sbin/pgbouncer) in front of a test PostgreSQL, in
// transaction pooling mode like Supabase's pooler on port 6543. Runs in the foreground as
// a child process (as `nobody` when we are root: pgbouncer refuses to run as root).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './postgres.js'
import { superviseTool } from './tool-process.js'

export const PGBOUNCER = '/usr/sbin/pgbouncer'

export interface BouncerOptions {
  readonly targetPort: number
  /** Users and plain-text passwords: pgbouncer needs them to log in to PostgreSQL itself. */
  readonly users: Readonly<Record<string, string>>
  readonly poolMode?: 'session' | 'transaction' | 'statement'
  readonly authType?: 'scram-sha-256' | 'md5' | 'plain'
}

export interface Bouncer {
  readonly port: number
  url (user: string, password: string, database: string): string
  /** What pgbouncer logged (its log goes to stderr). */
  logs (): string
  stop (): Promise<void>
}

const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`

export async function startPgbouncer (opts: BouncerOptions): Promise<Bouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bouncer-'))
  const port = await freePort()
  const ini = join(dir, 'pgbouncer.ini')
  const userlist = join(dir, 'userlist.txt')
  writeFileSync(userlist, Object.entries(opts.users).map(([u, p]) => `${quote(u)} ${quote(p)}`).join('\n') + '\n', { mode: 0o600 })
  writeFileSync(ini, [
    '[databases]',
    `* = host=127.0.0.1 port=${opts.targetPort}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    `auth_type = ${opts.authType ?? 'scram-sha-256'}`,
    `auth_file = ${userlist}`,
    `pool_mode = ${opts.poolMode ?? 'transaction'}`,
    'default_pool_size = 2',
    'max_client_conn = 20',
    // Deliberately no ignore_startup_parameters: a client must send only what pgbouncer knows.
    'server_reset_query =',
    'log_connections = 1',
    'log_disconnections = 1',
    ''
  ].join('\n'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const nobody = uid('nobody')
    for (const f of [dir, ini, userlist]) chownSync(f, nobody, nobody)
  }
  // `-u`: pgbouncer drops to that user itself, so signals reach it directly.
  const child: ChildProcess = spawn(PGBOUNCER, asRoot ? ['-u', 'nobody', ini] : [ini], { stdio: ['ignore', 'pipe', 'pipe'] })
  const tool = superviseTool(child, { signal: 'SIGINT', graceMs: 3000, dir })
  try {
    await waitForPort(port, 10_000, tool.gone)
  } catch (err) {
    await tool.stop()
    throw new Error(`pgbouncer did not start: ${(err as Error).message}\n${tool.logs()}`)
  }
  return {
    port,
    url: (user, password, database) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    logs: tool.logs,
    stop: tool.stop
  }
}

function uid (user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim())
}

async function waitForPort (port: number, timeoutMs: number, gone: () => boolean): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (gone()) throw new Error('the process exited')
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
