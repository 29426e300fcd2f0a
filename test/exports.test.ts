// Pins the public surface of src/index.ts.
import t from 'tap'
import * as api from '../src/index.js'

t.test('the public API exports exactly these values', async (t) => {
  t.same(Object.keys(api).sort(), [
    'AlembicConfigError', 'AlembicError', 'CHECKS', 'ConfigError', 'DatabaseError', 'ListenError', 'ManifestError', 'RegistryError', 'SentinelError', 'VersionsDirError',
    'buildApp', 'createPool', 'loadConfig', 'loadExpectation', 'overallStatus', 'prepareChecks', 'renderHealth',
    'renderMetrics', 'renderText', 'runRound', 'sentinel', 'startMonitor', 'startService'
  ])
  t.same(api.CHECKS.map((c) => c.name), ['postgres:connectivity', 'alembic:revision', 'schema:drift', 'security:exposure'], 'registry order: connectivity gates the rest')
  t.ok(new api.ConfigError('PORT', 'bad') instanceof api.SentinelError)
})
