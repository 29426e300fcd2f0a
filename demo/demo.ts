// `npm run demo`: a throwaway PostgreSQL with a small application schema, one Alembic
// revision behind and with one drifted column, and schema-sentinel serving it.
// Ctrl-C stops both and removes the data directory.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startService } from '../src/commands/serve.js'
import { isSentinelError } from '../src/errors.js'
import { freePort, startPostgres } from '../dev/embedded-postgres.js'
import { DEMO_BEHIND_REVISION } from './revision.js'

const here = dirname(fileURLToPath(import.meta.url))
const DEMO_COMMANDS: Record<string, string> = {
  drop: 'ALTER TABLE pdfs DROP COLUMN processing_started_at',
  add: 'ALTER TABLE pdfs ADD COLUMN processing_started_at timestamp'
}
const file = (name: string): string | undefined => (existsSync(join(here, name)) ? join(here, name) : undefined)

async function main (): Promise<void> {
  process.stdout.write('Starting a throwaway PostgreSQL (embedded-postgres)…\n')
  const pg = await startPostgres()
  process.stdout.write(`PostgreSQL ${pg.host}:${pg.port}, data in ${dirname(pg.dataDir)}\n`)
  let stopping = false
  const cleanup = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await pg.destroy()
  }
  try {
    const url = await pg.createDatabase('demo_app')
    await pg.query(readFileSync(join(here, 'schema.sql'), 'utf8'), [], 'demo_app')
    await pg.query('CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)', [], 'demo_app')
    await pg.query('INSERT INTO alembic_version VALUES ($1)', [DEMO_BEHIND_REVISION], 'demo_app')

    const port = process.env.PORT ?? String(await freePort())
    const service = await startService({ env: {
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      PORT: port,
      CHECK_INTERVAL_MS: '5000',
      EXPECTED_SCHEMA: file('manifest.yaml'),
      ALEMBIC_VERSIONS_DIR: file('alembic/versions'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RELEASE_ID: 'demo'
    } })
    const base = service.url.replace('0.0.0.0', '127.0.0.1')
    process.stdout.write([
      '',
      `schema-sentinel is serving the demo database at ${base}`,
      '',
      `  ${base}/                # the status page: open it in a browser`,
      `  curl -s ${base}/health          # 200 "warn": one migration behind, pdfs.created_at drifted`,
      `  curl -s ${base}/health/schema   # 503 "fail": the strict reading a deploy gate uses`,
      `  curl -s ${base}/metrics`,
      '',
      'Replay the incident (a column the models expect goes missing): type drop and Enter;',
      '/health turns 503 within 5 s. Type add to bring the column back.',
      '',
      'Ctrl-C stops the service and PostgreSQL and removes the data.',
      ''
    ].join('\n'))
    // Commands on stdin, so the demo needs nothing but Node (no psql). terminal: false leaves
    // the terminal alone, so Ctrl-C still reaches the process as SIGINT.
    const input = createInterface({ input: process.stdin, terminal: false })
    input.on('line', (line) => {
      const sql = DEMO_COMMANDS[line.trim()]
      if (sql === undefined) {
        if (line.trim() !== '') process.stdout.write('type drop or add (Ctrl-C to stop)\n')
        return
      }
      pg.query(sql, [], 'demo_app').then(
        () => process.stdout.write(`${sql}: done\n`),
        (err: Error) => process.stdout.write(`${sql}: ${err.message}\n`)
      )
    })
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    input.close()
    process.stdout.write('\nStopping…\n')
    await service.close()
  } finally {
    await cleanup()
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  // One line, no stack: what failed and what the tool said (a failed command's stderr follows its name).
  const text = isSentinelError(err) ? err.message : err instanceof Error ? err.message : String(err)
  process.stderr.write(`demo: ${text.trim().split(/\s*\n\s*/).filter((l) => l !== '').join(': ')}\n`)
  process.exit(2)
})
