// The public API of schema-sentinel as a library. The CLI (src/cli.ts) is the main entry;
// these are the pieces for embedding a round or a renderer in another program.
export { loadConfig, type Config, type Flags } from './config.js'
export { loadExpectation, type Expectation, type ExpectedSchema, type ExpectedTable, type ExpectedColumn } from './expectation.js'
export { createPool } from './postgres/pool.js'
export { runRound, type RoundDeps } from './round.js'
export { startMonitor, type Monitor } from './monitor.js'
export { CHECKS, type Check, type CheckContext, type CheckOutcome } from './checks/index.js'
export { buildApp, type AppOptions } from './server.js'
export { startService, type RunningService } from './commands/serve.js'
export { renderHealth } from './render/health.js'
export { renderMetrics } from './render/metrics.js'
export { renderText } from './render/text.js'
export {
  overallStatus,
  type Report, type CheckResult, type Status, type View, type Finding, type FindingKind, type Severity, type AlembicFacts, type AlembicState, type DriftFacts
} from './report.js'
export type { ExposureFacts, ExposureFinding, ExposureKind } from './security/findings.js'
export { SentinelError, ConfigError, ManifestError, VersionsDirError, DatabaseError } from './errors.js'
