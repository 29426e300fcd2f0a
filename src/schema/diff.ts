// Expected schema vs live catalog -> findings. Pure: no I/O, deterministic order.
import type { SeverityOverride } from '../config.js'
import type { ExpectedColumn, ExpectedEnum, ExpectedSchema, ExpectedTable } from './expected.js'
import { actualShape, compareColumn, expectedShape } from './diff-columns.js'
import { DRIFT_SEVERITY, FINDING_KINDS, type Add, type DriftFacts, type Finding, type FindingKind } from './findings.js'
import { tableKey, type CatalogColumn, type CatalogSnapshot, type CatalogTable } from './catalog.js'
import type { CatalogEnum } from './catalog-objects.js'
import { compareEnums } from './diff-enums.js'
import { compareIndexes } from './diff-indexes.js'
import { compareChecks, compareForeignKeys, comparePrimaryKey, compareUnique } from './diff-keys.js'
import { qualified } from './names.js'

export { DRIFT_SEVERITY } from './findings.js'

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
  for (const t of [...expected.tables, ...expected.enums ?? []]) {
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
  return diff.facts([...actual.tables.values()].map((live) => diff.table(live)), new Set(actual.tables.keys()), diff.enums(actual.enums ?? new Map()))
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
      if (this.#inScope.has(live.schema) && !isVersionTable) add('extra_table', { table: name }, `${name} exists but is not in the manifest`)
      return { findings, columnsCompared: 0 }
    }
    let columnsCompared = 0
    for (const table of entries) {
      // Live columns against the manifest's map; a set of live names only when one is missing.
      let matched = 0
      for (const have of live.columns) {
        const want = table.columns.get(have.name)
        if (want === undefined) {
          add('extra_column', { table: name, column: have.name, actual: actualShape(have) }, `${name}.${have.name} exists but is not in the manifest`)
        } else {
          matched++
          compareColumn(name, have.name, want, have, add)
        }
      }
      if (matched < table.columns.size) {
        const present = new Set(live.columns.map((c) => c.name))
        for (const [column, want] of table.columns) {
          if (!present.has(column)) add('missing_column', { table: name, column, expected: expectedShape(want) }, `${name}.${column} is expected but missing`)
        }
      }
      columnsCompared += table.columns.size
      this.#objects(name, table, live, add)
    }
    return { findings, columnsCompared }
  }

  /** Keys, constraints and indexes: each kind only when the manifest entry lists it. */
  #objects (name: string, want: ExpectedTable, live: CatalogTable, add: Add): void {
    const constraints = live.constraints ?? []
    const indexes = live.indexes ?? []
    comparePrimaryKey(name, want, constraints, add)
    const usedByUnique = compareUnique(name, want, constraints, indexes, add)
    compareForeignKeys(name, want, constraints, this.#defaultSchema, add)
    compareChecks(name, want, constraints, add)
    compareIndexes(name, want, indexes, usedByUnique, add)
  }

  /** The manifest's enums against the live ones (keyed by tableKey), when the manifest lists enums. */
  enums (live: ReadonlyMap<string, CatalogEnum>): readonly Finding[] {
    const findings: Finding[] = []
    if (this.expected.enums === undefined) return findings
    const keyOf = (e: ExpectedEnum): string | undefined => {
      const schema = e.schema ?? this.#defaultSchema
      return !this.#inScope.has(schema) && (this.#opts.managedSchemas?.has(schema) ?? false) ? undefined : tableKey(schema, e.name)
    }
    compareEnums(this.expected.enums, live, keyOf, this.#adder(findings))
    return findings
  }

  /** The round's facts: every live table's result, the expected tables not in `seen` (keys of live tables), the enum findings. */
  facts (tables: Iterable<TableDrift>, seen: ReadonlySet<string>, enums: readonly Finding[] = []): DriftFacts {
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
        add('missing_table', { table: name }, `${name} is expected but missing`)
      }
    }
    for (const f of enums) findings.push(f)
    findings.sort(byTableColumnKind)
    return { findings, tablesCompared: this.tablesCompared, columnsCompared }
  }

  #adder (findings: Finding[]): Add {
    const severities = this.#opts.severity
    return (kind, fields, message) => {
      const severity = severities?.[kind] ?? DRIFT_SEVERITY[kind]
      if (severity === 'ignore') return
      findings.push({ kind, severity, ...fields, message })
    }
  }
}

const KIND_ORDER = new Map(FINDING_KINDS.map((k, i) => [k, i]))
// Code-unit order, not localeCompare: the same findings always come out in the same order.
const cmp = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0
// Tables first, then enum types; within one, by column, kind, then name or label.
const subject = (f: Finding) => f.table !== undefined ? `0${f.table}` : `1${f.type ?? ''}`
function byTableColumnKind (a: Finding, b: Finding): number {
  return cmp(subject(a), subject(b)) || cmp(a.column ?? '', b.column ?? '') || (KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)!) ||
    cmp(a.name ?? a.value ?? '', b.name ?? b.value ?? '')
}
