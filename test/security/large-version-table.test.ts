// Anyone with INSERT on the version table can fill it. Ten million rows, under the image's heap
// ceiling (--max-old-space-size=256) and CHECK_TIMEOUT_MS=5000: one clear line, not
// "JavaScript heap out of memory". Below the size bound the rows are counted as they stream by.
import t from 'tap'
import { spawnCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'

// Generous WAL: the rows are written in one statement.
const pg = await startPostgres({ settings: { max_wal_size: '4GB', checkpoint_timeout: '1h' } })
t.teardown(() => pg.destroy())

const env = (url: string) => ({ DATABASE_URL: url, EXPECTED_REVISION: 'r1', CHECK_TIMEOUT_MS: '5000', NODE_OPTIONS: '--max-old-space-size=256' })

t.test('ten million rows: one line, exit 2, under a 256 MB heap', async (t) => {
  const url = await pg.createDatabase('ten_million')
  // Unlogged and without a key: the rows are the same to a reader and take half the time to write.
  await pg.query("CREATE UNLOGGED TABLE alembic_version (version_num varchar(32) NOT NULL); INSERT INTO alembic_version SELECT 'r' || g FROM generate_series(1, 10000000) g", [], 'ten_million')
  const run = await spawnCli(['check'], env(url))
  t.equal(run.code, 2, 'could not check')
  t.notMatch(run.stderr, /out of memory|\n\s+at /i, 'no crash, no stack')
  t.match(run.stderr, /^schema-sentinel: alembic:revision could not run: version table public\.alembic_version holds (about 10000000 rows, )?\d+\.\d MB on disk, expected at most 100 rows \(Alembic keeps one row per head\)\n$/)
  t.match(run.stdout, /fail\s+alembic:revision\s+version table public\.alembic_version holds/)
  t.match(run.stdout, /pass\s+schema:drift/, 'the next check still ran')
})

t.test('more rows than heads but a small table: counted exactly as they stream', async (t) => {
  const url = await pg.createDatabase('many_rows')
  await pg.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version SELECT 'r' || g FROM generate_series(1, 5000) g", [], 'many_rows')
  const run = await spawnCli(['check'], env(url))
  t.equal(run.code, 2)
  t.equal(run.stderr, 'schema-sentinel: alembic:revision could not run: version table public.alembic_version has 5000 rows, expected at most 100 (Alembic keeps one row per head)\n')
})

t.test('a hundred rows is still a version table', async (t) => {
  const url = await pg.createDatabase('hundred_rows')
  await pg.query("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version SELECT 'r' || g FROM generate_series(1, 100) g", [], 'hundred_rows')
  const run = await spawnCli(['check', '--format', 'json'], env(url))
  t.equal(run.code, 1, 'a mismatch, not an error')
  const alembic = JSON.parse(run.stdout).checks['alembic:revision'][0]
  t.equal(alembic.state, 'unknown')
  t.equal(alembic.observedValue.length, 100)
})
