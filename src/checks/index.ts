// The registry: every check, in the order a round runs them, and the only list of them.
// Connectivity gates the rest. Names, metric families and error counters derive from here.
import { alembicRevision } from './alembic-revision.js'
import type { Registry } from './check.js'
import { connectivity } from './connectivity.js'
import { schemaDrift } from './schema-drift.js'
import { securityExposure } from './security-exposure.js'

const BUILT_IN = [connectivity, alembicRevision, schemaDrift, securityExposure] as const

export const CHECKS: Registry = Object.freeze(BUILT_IN)

export type CheckName = typeof BUILT_IN[number]['name']

export { prepareChecks, assertRegistry, type Check, type CheckContext, type CheckOutcome, type CheckRun, type Notice, type PreparedCheck, type Presentation, type Registry, type TextPart } from './check.js'
