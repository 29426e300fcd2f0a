// Expected schema vs live catalog -> findings. Pure: no I/O, deterministic order.
import type { SeverityOverride } from '../config.js'
import type { ExpectedColumn, ExpectedSchema, ExpectedTable } from '../expectation.js'
import { FINDING_KINDS, type ColumnShape, type DriftFacts, type Finding, type FindingKind, type Severity } from '../report.js'
import { tableKey, type CatalogColumn, type CatalogSnapshot, type CatalogTable } from './catalog.js'
import { qualified } from './names.js'
import { defaultsMatch, formatType, isSequenceDefault, parseType, typesMatch, TypeSyntaxError, type PgType } from './normalise.js'

export const DRIFT_SEVERITY: Readonly<Record<FindingKind, Severity>> = Object.freeze({
  missing_table: 'fail',
  missing_column: 'fail',
  type_mismatch: 'warn',
  nullability_mismatch: 'warn',
  default_mismatch: 'info',
  extra_table: 'info',
  extra_column: 'info'
})

export interface DiffOptions {
  /** SCHEMAS: unqualified manifest tables mean the first; extra tables are looked for in all of them. */
  readonly schemas: readonly string[]
  readonly severity?: Readonly<Partial<Record<FindingKind, SeverityOverride>>>
  /** Never reported as an extra table. Unqualified: that name in any compared schema. */
  readonly alembicVersionTable?: { readonly schema?: string, readonly table: string }
  /** Manifest tables in these schemas are skipped unless `schemas` names them (Supabase's own). */
  readonly managedSchemas?: ReadonlySet<string>
}

/** The schemas a catalog snapshot must cover: SCHEMAS plus those the manifest qualifies with. */
export function schemasToRead (expected: ExpectedSchema, opts: DiffOptions): string[] {
  const out = new Set(opts.schemas)
  for (const t of expected.tables) {
    if (t.schema !== undefined && !(opts.managedSchemas?.has(t.schema) ?? false)) out.add(t.schema)
  }
  return [...out]
}

/** A diff fed one live table at a time, so a round never holds the whole catalog. */
export interface DriftDiff {
  /** Compares one live table with its manifest entry; give each live table once. */
  table (live: CatalogTable): void
  /** Adds the expected tables that never came (missing), and returns the sorted findings. */
  finish (): DriftFacts
}

export function diffSchema (expected: ExpectedSchema, actual: CatalogSnapshot, opts: DiffOptions): DriftFacts {
  const diff = startDiff(expected, opts)
  for (const live of actual.tables.values()) diff.table(live)
  return diff.finish()
}

export function startDiff (expected: ExpectedSchema, opts: DiffOptions): DriftDiff {
  const findings: Finding[] = []
  const add: Add = (kind, table, column, message, shapes) => {
    const severity = opts.severity?.[kind] ?? DRIFT_SEVERITY[kind]
    if (severity === 'ignore') return
    findings.push({ kind, severity, table, ...(column !== undefined ? { column } : {}), ...shapes, message })
  }
  const defaultSchema = opts.schemas[0] ?? 'public'
  const inScope = new Set(opts.schemas)
  // Manifest entries by live key; a list, as `pdfs` and `public.pdfs` may both name one table.
  const wanted = new Map<string, ExpectedTable[]>()
  let tablesCompared = 0
  let columnsCompared = 0
  for (const table of expected.tables) {
    const schema = table.schema ?? defaultSchema
    if (!inScope.has(schema) && (opts.managedSchemas?.has(schema) ?? false)) continue
    tablesCompared++
    const key = tableKey(schema, table.name)
    const list = wanted.get(key)
    if (list === undefined) wanted.set(key, [table])
    else list.push(table)
  }
  const seen = new Set<string>()
  const version = opts.alembicVersionTable

  return {
    table (live) {
      const key = tableKey(live.schema, live.name)
      seen.add(key)
      const name = qualified(live.schema, live.name)
      const entries = wanted.get(key)
      if (entries === undefined) {
        if (!inScope.has(live.schema)) return
        if (version !== undefined && live.name === version.table && (version.schema === undefined || version.schema === live.schema)) return
        add('extra_table', name, undefined, `${name} exists but is not in the manifest`)
        return
      }
      for (const table of entries) {
        for (const [column, want] of table.columns) {
          columnsCompared++
          const have = live.byName.get(column)
          if (have === undefined) add('missing_column', name, column, `${name}.${column} is expected but missing`, { expected: expectedShape(want) })
          else compareColumn(name, column, want, have, add)
        }
        for (const have of live.columns) {
          if (!table.columns.has(have.name)) {
            add('extra_column', name, have.name, `${name}.${have.name} exists but is not in the manifest`, { actual: actualShape(have) })
          }
        }
      }
    },
    finish () {
      for (const [key, entries] of wanted) {
        if (seen.has(key)) continue
        for (const table of entries) {
          const name = qualified(table.schema ?? defaultSchema, table.name)
          add('missing_table', name, undefined, `${name} is expected but missing`)
        }
      }
      findings.sort(byTableColumnKind)
      return { findings, tablesCompared, columnsCompared }
    }
  }
}

type Add = (kind: FindingKind, table: string, column: string | undefined, message: string, shapes?: { expected?: ColumnShape, actual?: ColumnShape }) => void

// Runs for every compared column (100,000 in a big schema): no closures, messages only for findings.
function compareColumn (table: string, column: string, want: ExpectedColumn, have: CatalogColumn, add: Add): void {
  const wantType = want.type !== undefined ? cachedType(want.type) : undefined
  const haveType = cachedType(have.type)
  if (wantType !== undefined && !typesMatch(wantType, haveType)) {
    add('type_mismatch', table, column, `${table}.${column} has type ${have.type}, expected ${formatType(wantType)}`,
      { expected: { type: formatType(wantType) }, actual: { type: have.type } })
  }
  if (want.nullable !== undefined && want.nullable !== have.nullable) {
    add('nullability_mismatch', table, column, `${table}.${column} is ${have.nullable ? 'nullable' : 'NOT NULL'}, expected ${want.nullable ? 'nullable' : 'NOT NULL'}`,
      { expected: { nullable: want.nullable }, actual: { nullable: have.nullable } })
  }
  const wantDefault = want.default
  if (wantDefault === undefined) {
    // `serial` promises a sequence: a nextval() default, or an identity column.
    if (wantType?.serial === true && have.identity === undefined && (have.default === null || !isSequenceDefault(have.default))) {
      add('default_mismatch', table, column, `${table}.${column} has ${have.default === null ? 'no default' : `default ${have.default}`}, expected a sequence (serial)`,
        { expected: { default: 'nextval(...)' }, actual: { default: have.default } })
    }
    return
  }
  const same = wantDefault === null
    ? have.default === null
    : have.default !== null && defaultsMatch(wantDefault, have.default, haveType)
  if (!same) {
    const now = have.default === null ? 'no default' : `default ${have.default}`
    add('default_mismatch', table, column, `${table}.${column} has ${now}, expected ${wantDefault === null ? 'no default' : wantDefault}`,
      { expected: { default: wantDefault }, actual: { default: have.default } })
  }
}

function expectedShape (want: ExpectedColumn): ColumnShape {
  return {
    ...(want.type !== undefined ? { type: formatType(cachedType(want.type)) } : {}),
    ...(want.nullable !== undefined ? { nullable: want.nullable } : {}),
    ...(want.default !== undefined ? { default: want.default } : {})
  }
}

function actualShape (have: CatalogColumn): ColumnShape {
  return { type: have.type, nullable: have.nullable, default: have.default }
}

// The same few type strings repeat across thousands of columns and every round.
const TYPE_CACHE_LIMIT = 10_000
const typeCache = new Map<string, PgType>()
function cachedType (text: string): PgType {
  let t = typeCache.get(text)
  if (t === undefined) {
    if (typeCache.size >= TYPE_CACHE_LIMIT) typeCache.clear()
    typeCache.set(text, t = parseTypeOrName(text))
  }
  return t
}

/** The manifest's types were checked when it loaded; a catalog type we cannot parse compares by its text. */
function parseTypeOrName (text: string): PgType {
  try {
    return parseType(text)
  } catch (err) {
    if (!(err instanceof TypeSyntaxError)) throw err
    return { name: text.trim().toLowerCase(), array: false, serial: false }
  }
}

const KIND_ORDER = new Map(FINDING_KINDS.map((k, i) => [k, i]))
// Code-unit order, not localeCompare: the same findings always come out in the same order.
const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0
function byTableColumnKind (a: Finding, b: Finding): number {
  return cmp(a.table, b.table) || cmp(a.column ?? '', b.column ?? '') || (KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!)
}
