// Expected schema vs live catalog -> findings. Pure: no I/O, deterministic order.
import type { SeverityOverride } from '../config.js'
import type { ExpectedColumn, ExpectedSchema, ExpectedTable } from '../expectation.js'
import { FINDING_KINDS, type ColumnShape, type DriftFacts, type Finding, type FindingKind, type Severity } from './findings.js'
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

/** What one live table contributes: its findings and how many of its columns were compared. */
export interface TableDrift {
  readonly findings: readonly Finding[]
  readonly columnsCompared: number
}

export function diffSchema (expected: ExpectedSchema, actual: CatalogSnapshot, opts: DiffOptions): DriftFacts {
  const diff = new SchemaDiff(expected, opts)
  return diff.facts([...actual.tables.values()].map((live) => diff.table(live)), new Set(actual.tables.keys()))
}

/**
 * The manifest, ready to compare live tables one at a time: a round never needs the whole
 * catalog at once, and a table's result depends on nothing but the table, so a caller may keep
 * it while the table is unchanged.
 */
export class SchemaDiff {
  readonly #opts: DiffOptions
  readonly #defaultSchema: string
  readonly #inScope: ReadonlySet<string>
  /** Manifest entries by live key; a list, as `pdfs` and `public.pdfs` may both name one table. */
  readonly #wanted = new Map<string, ExpectedTable[]>()
  readonly tablesCompared: number

  constructor (readonly expected: ExpectedSchema, opts: DiffOptions) {
    this.#opts = opts
    this.#defaultSchema = opts.schemas[0] ?? 'public'
    this.#inScope = new Set(opts.schemas)
    let compared = 0
    for (const table of expected.tables) {
      const schema = table.schema ?? this.#defaultSchema
      if (!this.#inScope.has(schema) && (opts.managedSchemas?.has(schema) ?? false)) continue
      compared++
      const key = tableKey(schema, table.name)
      const list = this.#wanted.get(key)
      if (list === undefined) this.#wanted.set(key, [table])
      else list.push(table)
    }
    this.tablesCompared = compared
  }

  /** Compares one live table with its manifest entries (none: an extra table, if in scope). */
  table (live: CatalogTable): TableDrift {
    const findings: Finding[] = []
    const add = this.#adder(findings)
    const name = qualified(live.schema, live.name)
    const entries = this.#wanted.get(tableKey(live.schema, live.name))
    if (entries === undefined) {
      const version = this.#opts.alembicVersionTable
      const isVersionTable = version !== undefined && live.name === version.table && (version.schema === undefined || version.schema === live.schema)
      if (this.#inScope.has(live.schema) && !isVersionTable) add('extra_table', name, undefined, `${name} exists but is not in the manifest`)
      return { findings, columnsCompared: 0 }
    }
    let columnsCompared = 0
    for (const table of entries) {
      // Live columns against the manifest's map; a set of live names only when one is missing.
      let matched = 0
      for (const have of live.columns) {
        const want = table.columns.get(have.name)
        if (want === undefined) {
          add('extra_column', name, have.name, `${name}.${have.name} exists but is not in the manifest`, { actual: actualShape(have) })
        } else {
          matched++
          compareColumn(name, have.name, want, have, add)
        }
      }
      if (matched < table.columns.size) {
        const present = new Set(live.columns.map((c) => c.name))
        for (const [column, want] of table.columns) {
          if (!present.has(column)) add('missing_column', name, column, `${name}.${column} is expected but missing`, { expected: expectedShape(want) })
        }
      }
      columnsCompared += table.columns.size
    }
    return { findings, columnsCompared }
  }

  /** The round's facts: every live table's result, plus the expected tables not in `seen` (keys of live tables). */
  facts (tables: Iterable<TableDrift>, seen: ReadonlySet<string>): DriftFacts {
    const findings: Finding[] = []
    let columnsCompared = 0
    for (const t of tables) {
      columnsCompared += t.columnsCompared
      for (const f of t.findings) findings.push(f)
    }
    const add = this.#adder(findings)
    for (const [key, entries] of this.#wanted) {
      if (seen.has(key)) continue
      for (const table of entries) {
        const name = qualified(table.schema ?? this.#defaultSchema, table.name)
        add('missing_table', name, undefined, `${name} is expected but missing`)
      }
    }
    findings.sort(byTableColumnKind)
    return { findings, tablesCompared: this.tablesCompared, columnsCompared }
  }

  #adder (findings: Finding[]): Add {
    const severities = this.#opts.severity
    return (kind, table, column, message, shapes) => {
      const severity = severities?.[kind] ?? DRIFT_SEVERITY[kind]
      if (severity === 'ignore') return
      findings.push({ kind, severity, table, ...(column !== undefined ? { column } : {}), ...shapes, message })
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
