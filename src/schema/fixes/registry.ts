// The one list of fixers, by finding kind: a kind without an entry has no fix. Pure.
import type { ExpectedSchema } from '../../expectation.js'
import type { DriftFacts, Finding, FindingKind } from '../../report.js'
import { qualified } from '../names.js'
import { addColumn, changeDefault, changeNullability, changeType, noteExtraColumn } from './columns.js'
import { fixText, type Fixer, type FixContext, type PlannedFix, type TableRef } from './plan.js'
import { createTable, noteExtraTable } from './tables.js'

export const FIXERS: Readonly<Partial<Record<FindingKind, Fixer>>> = {
  missing_table: createTable,
  missing_column: addColumn,
  type_mismatch: changeType,
  nullability_mismatch: changeNullability,
  default_mismatch: changeDefault,
  extra_table: noteExtraTable,
  extra_column: noteExtraColumn
}

/** The fix of one finding, with where it goes in a script; undefined when its kind has none. */
export function planFix (finding: Finding, ctx: FixContext): PlannedFix | undefined {
  return FIXERS[finding.kind]?.(finding, ctx)
}

/**
 * What fixes need of the source beyond a finding: each table's schema and name apart (a
 * finding says `schema.table`) and its column definitions as written.
 */
export function fixContext (source: ExpectedSchema | undefined, schemas: readonly string[]): FixContext {
  const defaultSchema = schemas[0] ?? 'public'
  const tables = new Map<string, TableRef>()
  for (const t of source?.tables ?? []) {
    const schema = t.schema ?? defaultSchema
    const key = qualified(schema, t.name)
    const known = tables.get(key)
    // `pdfs` and `public.pdfs` may both name one table: their columns together.
    tables.set(key, { schema, name: t.name, columns: known?.columns !== undefined ? new Map([...known.columns, ...t.columns]) : t.columns })
  }
  return {
    table (name) {
      const known = tables.get(name)
      if (known !== undefined) return known
      // Not in the source: an extra table, in a schema of SCHEMAS (whose names hold no dot).
      const dot = name.indexOf('.')
      return { schema: name.slice(0, dot), name: name.slice(dot + 1) }
    }
  }
}

/** The findings with `fix` attached where their kind has one. */
export function attachFixes (findings: readonly Finding[], ctx: FixContext): Finding[] {
  return findings.map((f) => {
    const plan = f.fix === undefined ? planFix(f, ctx) : undefined
    return plan === undefined ? f : { ...f, fix: fixText(plan) }
  })
}

// A finding remembered across rounds (an unchanged table) keeps its fix: no new strings per round.
const fixedFindings = new WeakMap<Finding, Finding>()
const contexts = new WeakMap<ExpectedSchema, { schemas: readonly string[], ctx: FixContext }>()

/** The drift check's facts with each finding's fix, for `check`, /health/schema and the status page. */
export function withFixes (facts: DriftFacts, source: ExpectedSchema, schemas: readonly string[]): DriftFacts {
  let known = contexts.get(source)
  if (known === undefined || known.schemas !== schemas) contexts.set(source, known = { schemas, ctx: fixContext(source, schemas) })
  const ctx = known.ctx
  const findings = facts.findings.map((f) => {
    let fixed = fixedFindings.get(f)
    if (fixed === undefined) fixedFindings.set(f, fixed = attachFixes([f], ctx)[0]!)
    return fixed
  })
  return { ...facts, findings }
}
