// STUB (issue B replaces this): reports nothing configured.
import type { Check } from './check.js'

export const alembicRevision: Check = {
  name: 'alembic:revision',
  async run () {
    return {
      status: 'pass',
      alembic: { state: 'not_checked', database: [], expected: [], tableExists: false }
    }
  }
}
