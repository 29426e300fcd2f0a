import t from 'tap'
import { loadConfig } from '../src/config.js'
import { ConfigError } from '../src/errors.js'

const URL_ = 'postgres://app:s3cret-pw@db.example.com:5432/app?sslmode=require'

t.test('defaults', async (t) => {
  const c = loadConfig({ DATABASE_URL: URL_ }, {}, { requireDatabase: true })
  t.equal(c.port, 8080)
  t.equal(c.host, '0.0.0.0')
  t.equal(c.checkIntervalMs, 10_000)
  t.equal(c.checkTimeoutMs, 2000)
  t.same(c.schemas, ['public'])
  t.same(c.alembicVersionTable, { table: 'alembic_version' })
  t.equal(c.logLevel, 'info')
  t.equal(c.releaseId, undefined)
  t.same(c.exposedRoles, ['anon', 'authenticated'], "Supabase's Data API roles")
  t.same(c.exposedSchemas, ['public'])
  t.ok(Object.isFrozen(c))
})

t.test('values and flags', async (t) => {
  const c = loadConfig({
    DATABASE_URL: URL_, PORT: '9000', HOST: '127.0.0.1', SCHEMAS: 'public, audit', CHECK_INTERVAL_MS: '500',
    CHECK_TIMEOUT_MS: '300', EXPECTED_REVISION: 'a1,b2', ALEMBIC_VERSION_TABLE: 'meta.alembic_version',
    DRIFT_SEVERITY: 'type_mismatch=fail, extra_column=ignore', RENDER_GIT_COMMIT: 'abc123', LOG_LEVEL: 'warn',
    HEALTH_TOKEN: ' ', METRICS_TOKEN: '', EXPOSED_ROLES: 'anon, web_anon,anon', EXPOSED_SCHEMAS: 'public,api'
  }, { schemas: 'audit', expectedRevision: 'zz9' })
  t.same(c.exposedRoles, ['anon', 'web_anon'])
  t.same(c.exposedSchemas, ['public', 'api'])
  t.equal(c.port, 9000)
  t.same(c.schemas, ['audit'], 'flag overrides the environment')
  t.same(c.expectedRevision, ['zz9'])
  t.same(c.alembicVersionTable, { schema: 'meta', table: 'alembic_version' })
  t.same(c.driftSeverity, { type_mismatch: 'fail', extra_column: 'ignore' })
  t.equal(c.releaseId, 'abc123', 'RENDER_GIT_COMMIT when RELEASE_ID is unset')
  t.equal(c.healthToken, undefined, 'blank variables count as unset')
  t.equal(c.metricsToken, undefined)
  t.equal(loadConfig({ RELEASE_ID: 'r1', RENDER_GIT_COMMIT: 'abc' }).releaseId, 'r1')
})

// [case, variables, flags, the variable or flag named, what is wrong with it]
const bad: Array<[string, Record<string, string>, Record<string, string>, string, RegExp]> = [
  ['PORT not a number', { PORT: 'abc' }, {}, 'PORT', /^must be integer, got "abc"$/],
  ['PORT too large', { PORT: '70000' }, {}, 'PORT', /^must be <= 65535/],
  ['negative timeout', { CHECK_TIMEOUT_MS: '-1' }, {}, 'CHECK_TIMEOUT_MS', /^must be >= 1/],
  ['zero timeout', { CHECK_TIMEOUT_MS: '0' }, {}, 'CHECK_TIMEOUT_MS', /^must be >= 1/],
  ['interval not a number', { CHECK_INTERVAL_MS: '10s' }, {}, 'CHECK_INTERVAL_MS', /^must be integer/],
  ['URL not a URL', { DATABASE_URL: 'host=db user=app password=s3cret-pw' }, {}, 'DATABASE_URL', /^is not a URL/],
  ['URL wrong scheme', { DATABASE_URL: 'mysql://app:s3cret-pw@db/app' }, {}, 'DATABASE_URL', /^has scheme "mysql"/],
  ['bad sslmode', { DATABASE_URL: 'postgres://app:s3cret-pw@db/app?sslmode=maybe' }, {}, 'DATABASE_URL', /^has sslmode "maybe"/],
  ['bad schema list', { SCHEMAS: 'public,bad name' }, {}, 'SCHEMAS', /^"bad name" is not a schema name/],
  ['bad version table', { ALEMBIC_VERSION_TABLE: 'a.b.c' }, {}, 'ALEMBIC_VERSION_TABLE', /^"a.b.c" is not a table name/],
  ['bad revision', { EXPECTED_REVISION: 'abc,de f' }, {}, 'EXPECTED_REVISION', /^"de f" is not a revision id/],
  ['bad severity kind', { DRIFT_SEVERITY: 'missing_thing=fail' }, {}, 'DRIFT_SEVERITY', /^unknown finding kind "missing_thing"/],
  ['bad severity', { DRIFT_SEVERITY: 'extra_table=loud' }, {}, 'DRIFT_SEVERITY', /^unknown severity "loud"/],
  ['bad role', { EXPOSED_ROLES: 'anon,web anon' }, {}, 'EXPOSED_ROLES', /^"web anon" is not a role name/],
  ['empty role', { EXPOSED_ROLES: 'anon,,authenticated' }, {}, 'EXPOSED_ROLES', /^"" is not a role name/],
  ['role too long', { EXPOSED_ROLES: 'r'.repeat(64) }, {}, 'EXPOSED_ROLES', /^"r{64}" is not a role name/],
  ['PUBLIC as a role', { EXPOSED_ROLES: 'anon,PUBLIC' }, {}, 'EXPOSED_ROLES', /^"PUBLIC" is not a role \(/],
  ['bad exposed schema', { EXPOSED_SCHEMAS: 'public;drop' }, {}, 'EXPOSED_SCHEMAS', /^"public;drop" is not a schema name/],
  ['bad log level', { LOG_LEVEL: 'chatty' }, {}, 'LOG_LEVEL', /^must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"$/],
  ['flag named, not variable', {}, { schemas: 'x y' }, '--schemas', /^"x y" is not a schema name/],
  ['empty flag', {}, { databaseUrl: '' }, '--database-url', /^must not be empty/]
]

for (const [name, env, flags, variable, problem] of bad) {
  t.test(`rejects: ${name}`, async (t) => {
    let caught: unknown
    try {
      loadConfig({ DATABASE_URL: 'postgres://app:s3cret-pw@db:5432/app', ...env }, flags)
    } catch (err) {
      caught = err
    }
    t.type(caught, ConfigError)
    t.match(caught, { variable, problem })
    t.notMatch((caught as Error).message, /s3cret-pw/, 'never the password')
    t.notMatch((caught as Error).message, /\n/, 'one line')
  })
}

t.test('DATABASE_URL is required only when asked', async (t) => {
  t.equal(loadConfig({}).databaseUrl, undefined)
  let caught: unknown
  try { loadConfig({}, {}, { requireDatabase: true }) } catch (err) { caught = err }
  t.match(caught, { variable: 'DATABASE_URL', problem: /^is required/ })
  try { loadConfig({}, { databaseUrl: ' ' }, { requireDatabase: true }) } catch (err) { caught = err }
  t.match(caught, { variable: '--database-url', problem: 'must not be empty' }, 'a flag is named as the flag')
})

t.test('does not mutate its inputs', async (t) => {
  const env = Object.freeze({ DATABASE_URL: URL_, PORT: '1234' })
  const flags = Object.freeze({ schemas: 'a' })
  t.doesNotThrow(() => loadConfig(env, flags))
})

t.test('every flag overrides its variable', async (t) => {
  const env = { DATABASE_URL: URL_, EXPECTED_SCHEMA: 'env.yaml', ALEMBIC_VERSIONS_DIR: 'env/versions', ALEMBIC_CONFIG: 'env.ini', EXPECTED_REVISION: 'env1', SCHEMAS: 'env_schema' }
  const fromEnv = loadConfig(env)
  const fromFlags = loadConfig(env, { databaseUrl: 'postgres://flag@db2/other', expected: 'flag.yaml', versionsDir: 'flag/versions, other/versions', alembicConfig: 'flag.ini', expectedRevision: 'flag1,flag2', schemas: 'flag_schema' })
  t.same([fromEnv.databaseUrl, fromEnv.expectedSchema, fromEnv.alembicVersionsDirs, fromEnv.alembicConfig, fromEnv.expectedRevision, fromEnv.schemas],
    [URL_, 'env.yaml', ['env/versions'], 'env.ini', ['env1'], ['env_schema']])
  t.same([fromFlags.databaseUrl, fromFlags.expectedSchema, fromFlags.alembicVersionsDirs, fromFlags.alembicConfig, fromFlags.expectedRevision, fromFlags.schemas],
    ['postgres://flag@db2/other', 'flag.yaml', ['flag/versions', 'other/versions'], 'flag.ini', ['flag1', 'flag2'], ['flag_schema']])
})

t.test('ALEMBIC_VERSIONS_DIR: an empty entry between commas is refused, naming the flag', async (t) => {
  const err = t.throws(() => loadConfig({ DATABASE_URL: URL_ }, { versionsDir: 'a,,b' })) as ConfigError
  t.equal(err.variable, '--versions-dir')
})

t.test('defaults of the configuration table, and unset optional variables', async (t) => {
  const c = loadConfig({ DATABASE_URL: URL_ })
  for (const key of ['databaseSslCa', 'expectedSchema', 'alembicVersionsDirs', 'alembicConfig', 'expectedRevision', 'healthToken', 'metricsToken', 'releaseId'] as const) {
    t.equal(c[key], undefined, `${key} unset by default`)
  }
  t.same(c.driftSeverity, {}, 'no severity overrides by default')
})
