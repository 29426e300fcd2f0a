// What reaches PostgreSQL, from its own statement log: HTTP requests never do (they read the
// cached Report), and schema:drift reads pg_catalog in a fixed number of statements however
// many tables the manifest names, never information_schema.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import t from 'tap'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { createPool } from '../../src/postgres/pool.js'
import { runRound } from '../../src/round.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'

const pg = await startPostgres({ settings: { log_statement: 'all', log_line_prefix: '%a:' } })
t.teardown(() => pg.destroy())
const logFile = join(dirname(pg.dataDir), 'server.log')
const logLength = (): number => readFileSync(logFile, 'utf8').length
/** The service's statements logged since `from` (a multi-line statement continues on tab-led lines). */
const statementsSince = (from: number): string[] =>
  readFileSync(logFile, 'utf8').slice(from).split(/\n(?!\t)/).filter((l) => l.startsWith('schema-sentinel:') && /LOG: {2}(statement|execute)/.test(l))

t.test('HTTP requests never reach the database', async (t) => {
  const svc = await startTestService(t, { DATABASE_URL: pg.url(), CHECK_INTERVAL_MS: '3600000', CHECK_TIMEOUT_MS: '10000' })
  await svc.waitFor('/health/ready', (r) => r.status === 200)
  const from = logLength()
  let answered = 0
  for (let i = 0; i < 20; i++) {
    for (const path of ['/health/live', '/health/ready', '/health', '/health/schema', '/metrics', '/', '/nope']) {
      const res = await svc.get(path, { method: i % 2 === 0 ? 'GET' : 'HEAD' })
      await res.arrayBuffer()
      answered++
    }
  }
  t.equal(answered, 140)
  t.same(statementsSince(from), [], 'no statement from schema-sentinel while answering')
})

t.test('schema:drift: the same statements for 1 table or 40, never information_schema', async (t) => {
  const db = 'many'
  const url = await pg.createDatabase(db)
  const names = Array.from({ length: 40 }, (_, i) => `t${i}`)
  await pg.query(names.map((n) => `CREATE TABLE ${n} (id integer, label text DEFAULT 'x');`).join('\n'), [], db)
  const manifest = (tables: string[]): string => {
    const file = join(dirname(pg.dataDir), `manifest-${tables.length}.json`)
    writeFileSync(file, JSON.stringify({ version: 1, tables: Object.fromEntries(tables.map((n) => [n, { columns: { id: 'integer', label: { type: 'text', default: "'x'" } } }])) }))
    return file
  }
  const roundStatements = async (tables: string[]): Promise<string[]> => {
    const config = loadConfig({ DATABASE_URL: url, CHECK_TIMEOUT_MS: '10000', EXPECTED_SCHEMA: manifest(tables) }, {}, { requireDatabase: true })
    const pool = createPool(config)
    try {
      const from = logLength()
      const report = await runRound({ pool, checks: prepareChecks(CHECKS, config, await loadExpectation(config)), config, version: 'test' })
      t.same(report.checks.map((c) => c.status), ['pass', 'pass', 'pass', 'pass'], `${tables.length} tables: the round passes`)
      return statementsSince(from).map((l) => l.replace(/^[^:]*:[^:]*LOG: {2}(statement|execute [^:]*): /, ''))
    } finally {
      await pool.end()
    }
  }
  const one = await roundStatements(names.slice(0, 1))
  const forty = await roundStatements(names)
  t.ok(forty.length > 0, `the log holds the round (${forty.length} statements)`)
  t.equal(forty.length, one.length, 'as many statements for 40 tables as for 1')
  t.same(forty.filter((s) => /information_schema/i.test(s)), [], 'never information_schema')
})
