// STUB (issue C replaces this): nothing to compare.
import type { Check } from './check.js'

export const schemaDrift: Check = {
  name: 'schema:drift',
  async run () {
    return { status: 'pass', observedValue: 0, observedUnit: 'findings', drift: { findings: [], tablesCompared: 0, columnsCompared: 0 } }
  }
}
