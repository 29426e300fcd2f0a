// The one list of fixers, by finding kind: a kind without an entry has no fix. Pure.
import type { ExpectedSchema } from '../../expectation.js'
import type { DriftFacts, Finding, FindingKind } from '../findings.js'
import { qualified } from '../names.js'
import { addColumn, changeDefault, changeNullability, changeType, noteExtraColumn } from './columns.js'
import { createEnum, addEnumValue, noteEnumLabels } from './enums.js'
import { addIndex, noteExtraIndex, rebuildIndex, replaceIndex } from './indexes.js'
import { addCheck, addForeignKey, addPrimaryKey, addUnique, noteExtraConstraint, replaceCheck, replaceForeignKey } from './keys.js'
import { objectFinding, type EnumSpec, type TableObjects } from './objects.js'
import { fixText, type Fixer, type FixContext, type PlannedFix, type TableRef } from './plan.js'
import { addGrant, addPolicy, changePolicy, fixRls, noteExtraPolicy, revokeGrant } from './security.js'
import { createTable, noteExtraTable } from './tables.js'

// Keyed by string, not FindingKind: kinds other checks add later get their fixer here as one entry.
export const FIXERS: Readonly<Partial<Record<FindingKind | string, Fixer>>> = {
  missing_table: createTable,
  missing_column: addColumn,
  type_mismatch: changeType,
  nullability_mismatch: changeNullability,
  default_mismatch: changeDefault,
  extra_table: noteExtraTable,
  extra_column: noteExtraColumn,
  missing_primary_key: addPrimaryKey,
  missing_unique: addUnique,
  missing_foreign_key: addForeignKey,
  foreign_key_mismatch: replaceForeignKey,
  missing_check: addCheck,
  check_mismatch: replaceCheck,
  missing_index: addIndex,
  index_mismatch: replaceIndex,
  invalid_index: rebuildIndex,
  missing_enum: createEnum,
  missing_enum_value: addEnumValue,
  enum_order_mismatch: noteEnumLabels,
  extra_enum_value: noteEnumLabels,
  extra_unique: noteExtraConstraint,
  extra_foreign_key: noteExtraConstraint,
  extra_check: noteExtraConstraint,
  extra_index: noteExtraIndex,
  rls_mismatch: fixRls,
  missing_policy: addPolicy,
  policy_mismatch: changePolicy,
  extra_policy: noteExtraPolicy,
  missing_grant: addGrant,
  extra_grant: revokeGrant
}

/** The fix of one finding, with where it goes in a script; undefined when its kind has none. */
export function planFix (finding: Finding, ctx: FixContext): PlannedFix | undefined {
  return FIXERS[finding.kind]?.(finding, ctx)
}

/**
 * What fixes need of the source beyond a finding: each table's schema and name apart (a
 * finding says `schema.table`), its columns, keys and indexes as written, and the enum types.
 */
export function fixContext (source: ExpectedSchema | undefined, schemas: readonly string[]): FixContext {
  const defaultSchema = schemas[0] ?? 'public'
  const tables = new Map<string, TableRef>()
  for (const t of source?.tables ?? []) {
    const schema = t.schema ?? defaultSchema
    const key = qualified(schema, t.name)
    const known = tables.get(key)
    // `pdfs` and `public.pdfs` may both name one table: their columns together.
    const columns = known?.columns !== undefined ? new Map([...known.columns, ...t.columns]) : t.columns
    tables.set(key, { schema, name: t.name, columns, objects: { ...known?.objects, ...objectsOf(t) } })
  }
  const enums = new Map<string, EnumSpec & { schema: string }>()
  for (const e of (source as { enums?: readonly EnumSpec[] } | undefined)?.enums ?? []) {
    const schema = e.schema ?? defaultSchema
    enums.set(qualified(schema, e.name), { ...e, schema })
  }
  return {
    defaultSchema,
    table (name) {
      const known = tables.get(name)
      if (known !== undefined) return known
      // Not in the source: an extra table, in a schema of SCHEMAS (whose names hold no dot).
      const dot = name.indexOf('.')
      return { schema: name.slice(0, dot), name: name.slice(dot + 1) }
    },
    enumType: (name) => enums.get(name),
    missingLabels: () => new Set()
  }
}

/** A table's keys, constraints and indexes, where the manifest lists them. */
function objectsOf (t: object): TableObjects {
  const { primaryKey, unique, foreignKeys, indexes, checks } = t as TableObjects
  return {
    ...(primaryKey !== undefined ? { primaryKey } : {}),
    ...(unique !== undefined ? { unique } : {}),
    ...(foreignKeys !== undefined ? { foreignKeys } : {}),
    ...(indexes !== undefined ? { indexes } : {}),
    ...(checks !== undefined ? { checks } : {})
  }
}

/** The context for one batch of findings: which enum labels the batch reports missing. */
export function forBatch (ctx: FixContext, findings: readonly Finding[]): FixContext {
  const missing = new Map<string, Set<string>>()
  for (const f of findings) {
    const o = objectFinding(f)
    if (o.kind !== 'missing_enum_value' || o.type === undefined || o.value === undefined) continue
    let set = missing.get(o.type)
    if (set === undefined) missing.set(o.type, set = new Set())
    set.add(o.value)
  }
  if (missing.size === 0) return ctx
  return { ...ctx, missingLabels: (type) => missing.get(type) ?? new Set() }
}

/** The findings with `fix` attached where their kind has one. */
export function attachFixes (findings: readonly Finding[], ctx: FixContext): Finding[] {
  const batch = forBatch(ctx, findings)
  return findings.map((f) => {
    const plan = f.fix === undefined ? planFix(f, batch) : undefined
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
  const ctx = forBatch(known.ctx, facts.findings)
  const findings = facts.findings.map((f) => {
    let fixed = fixedFindings.get(f)
    if (fixed === undefined) {
      const plan = f.fix === undefined ? planFix(f, ctx) : undefined
      fixedFindings.set(f, fixed = plan === undefined ? f : { ...f, fix: fixText(plan) })
    }
    return fixed
  })
  return { ...facts, findings }
}
