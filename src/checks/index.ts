// The registry: every check, in the order a round runs them. Connectivity gates the rest.
import { alembicRevision } from './alembic-revision.js'
import type { Check } from './check.js'
import { connectivity } from './connectivity.js'
import { schemaDrift } from './schema-drift.js'
import { securityExposure } from './security-exposure.js'

export const CHECKS: readonly Check[] = Object.freeze([connectivity, alembicRevision, schemaDrift, securityExposure])

export type { Check, CheckContext, CheckOutcome } from './check.js'
