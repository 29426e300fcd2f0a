// The public API of schema-sentinel as a library. The command (src/bin.ts, calling main() in src/cli.ts) is the main entry;
// these are the pieces for embedding a round or a renderer in another program.
export { loadConfig, type Config, type ConfigSource, type DatabaseConfig, type Flags } from './config.js'
export { loadExpectation, type Expectation, type ExpectedSchema, type ExpectedTable, type ExpectedColumn } from './expectation.js'
export { createPool } from './postgres/pool.js'
export { runRound, type RoundDeps } from './round.js'
export { startMonitor, type Monitor } from './monitor.js'
export { CHECKS, prepareChecks, type Check, type CheckContext, type CheckOutcome, type CheckRun, type CheckName, type Presentation, type Registry } from './checks/index.js'
export type { AlembicFacts, AlembicNote, AlembicState } from './checks/alembic-facts.js'
export { buildApp, type AppOptions } from './server.js'
export { sentinel, type SentinelOptions } from './plugin.js'
export { startService, type RunningService } from './commands/serve.js'
export { renderHealth } from './render/health.js'
export { renderMetrics } from './render/metrics.js'
export { renderText } from './render/text.js'
export {
  overallStatus,
  type Report, type CheckResult, type Status, type View
} from './report.js'
export type { Finding, FindingKind, Severity, DriftFacts } from './schema/findings.js'
export { SentinelError, ConfigError, ManifestError, DatabaseError, ListenError, RegistryError } from './errors.js'
export { AlembicError, VersionsDirError } from './alembic/errors.js'
export { AlembicConfigError } from './alembic/config-errors.js'
export type { ExposureFacts, ExposureFinding, ExposureKind } from './security/findings.js'
