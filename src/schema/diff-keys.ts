// Primary key, unique, foreign key and CHECK constraints of one table against the manifest.
// Matched by structure, never by name alone: SQLAlchemy naming conventions, Alembic and
// hand-written DDL name the same constraint differently.
import type { CatalogConstraint, CatalogIndex, IndexElement } from './catalog-objects.js'
import type { ExpectedForeignKey, ExpectedTable } from './expected.js'
import type { Add } from './findings.js'
import { qualified } from './names.js'
import { canonicalExpression } from './sql-expression.js'

export function list (columns: readonly string[]): string {
  return `(${columns.join(', ')})`
}

// These run for every table of a big schema every first round: no closures, few allocations.
const SEP = '\u0000'
/** A column set as one string (a single column is itself). */
function setKey (columns: readonly string[]): string {
  return columns.length === 1 ? columns[0]! : [...columns].sort().join(SEP)
}

function isColumn (e: IndexElement): boolean { return !e.expression }
function textOf (e: IndexElement): string { return e.text }

/** Unique indexes that enforce uniqueness of plain columns: valid, not partial, no expressions. */
export function uniqueIndexKeys (indexes: readonly CatalogIndex[]): Map<string, CatalogIndex> {
  const out = new Map<string, CatalogIndex>()
  for (const ix of indexes) {
    if (ix.unique && ix.valid && ix.where === null && ix.elements.every(isColumn)) out.set(setKey(ix.elements.map(textOf)), ix)
  }
  return out
}

export function comparePrimaryKey (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], add: Add): void {
  if (want.primaryKey === undefined) return
  const { columns, name } = want.primaryKey
  let have: CatalogConstraint | undefined
  for (const c of live) if (c.kind === 'primary_key') have = c
  if (have !== undefined && setKey(have.columns) === setKey(columns)) return
  const now = have === undefined ? 'has no primary key' : `has primary key ${list(have.columns)}`
  add('missing_primary_key', { table, columns, ...(name !== undefined ? { name } : {}), ...(have !== undefined ? { actual: { columns: have.columns } } : {}) },
    `${table} ${now}, expected primary key ${list(columns)}`)
}

const NONE: ReadonlySet<string> = new Set()

/** Unique constraints; returns the unique indexes that satisfied one (they are not extra indexes). */
export function compareUnique (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], indexes: readonly CatalogIndex[], add: Add): ReadonlySet<string> {
  if (want.unique === undefined) return NONE
  let usedIndexes: Set<string> | undefined
  const constraints = new Map<string, CatalogConstraint>()
  for (const c of live) if (c.kind === 'unique') constraints.set(setKey(c.columns), c)
  const matched = new Set<CatalogConstraint>()
  let byIndex: Map<string, CatalogIndex> | undefined
  for (const { columns, name } of want.unique) {
    const key = setKey(columns)
    const constraint = constraints.get(key)
    if (constraint !== undefined) { matched.add(constraint); continue }
    const index = (byIndex ??= uniqueIndexKeys(indexes)).get(key)
    if (index !== undefined) { (usedIndexes ??= new Set()).add(index.name); continue }
    add('missing_unique', { table, columns, ...(name !== undefined ? { name } : {}) }, `${table} has no unique constraint or unique index on ${list(columns)}`)
  }
  for (const c of constraints.values()) {
    if (!matched.has(c)) add('extra_unique', { table, columns: c.columns, name: c.name }, `${table} has unique constraint ${c.name} ${list(c.columns)}, not in the manifest`)
  }
  return usedIndexes ?? NONE
}

/** Referred table and column pairs, in an order that does not depend on how the key was written. */
function fkKey (refSchema: string, refTable: string, columns: readonly string[], refColumns: readonly string[]): string {
  if (columns.length === 1) return `${refSchema}${SEP}${refTable}${SEP}${columns[0]!}${SEP}${refColumns[0] ?? ''}`
  const pairs = columns.map((c, i) => `${c}${SEP}${refColumns[i] ?? ''}`).sort()
  return `${refSchema}${SEP}${refTable}${SEP}${pairs.join(SEP)}`
}

function liveFkKey (c: CatalogConstraint): string {
  const ref = c.references!
  return fkKey(ref.schema, ref.table, c.columns, ref.columns)
}

function remove<T> (items: T[], item: T): T {
  items.splice(items.indexOf(item), 1)
  return item
}

export function compareForeignKeys (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], defaultSchema: string, add: Add): void {
  if (want.foreignKeys === undefined) return
  const unused: CatalogConstraint[] = []
  for (const c of live) if (c.kind === 'foreign_key') unused.push(c)
  for (const fk of want.foreignKeys) {
    const refSchema = fk.references.schema ?? defaultSchema
    const key = fkKey(refSchema, fk.references.table, fk.columns, fk.references.columns)
    // Two keys on the same columns: the one whose actions also match is this one.
    let same: CatalogConstraint | undefined
    for (const c of unused) {
      if (liveFkKey(c) !== key) continue
      if ((fk.onDelete ?? c.onDelete) === c.onDelete && (fk.onUpdate ?? c.onUpdate) === c.onUpdate) { same = c; break }
      same ??= c
    }
    const target = `${qualified(refSchema, fk.references.table)}${list(fk.references.columns)}`
    if (same !== undefined) {
      remove(unused, same)
      const differs = (fk.onDelete !== undefined && fk.onDelete !== same.onDelete) || (fk.onUpdate !== undefined && fk.onUpdate !== same.onUpdate)
      if (differs) {
        add('foreign_key_mismatch', { table, columns: fk.columns, name: same.name, expected: actions(fk), actual: actions(same) },
          `${table} foreign key ${same.name} ${list(fk.columns)} -> ${target} is ON DELETE ${same.onDelete!.toUpperCase()} ON UPDATE ${same.onUpdate!.toUpperCase()}, expected ${describeActions(fk)}`)
      }
      continue
    }
    const columns = setKey(fk.columns)
    const elsewhere = unused.find((c) => setKey(c.columns) === columns)
    if (elsewhere !== undefined) {
      remove(unused, elsewhere)
      const ref = elsewhere.references!
      add('foreign_key_mismatch', {
        table, columns: fk.columns, name: elsewhere.name,
        expected: { references: { table: qualified(refSchema, fk.references.table), columns: fk.references.columns }, ...actions(fk) },
        actual: { references: { table: qualified(ref.schema, ref.table), columns: ref.columns }, ...actions(elsewhere) }
      }, `${table} foreign key ${elsewhere.name} ${list(fk.columns)} refers to ${qualified(ref.schema, ref.table)}${list(ref.columns)}, expected ${target}`)
      continue
    }
    add('missing_foreign_key', { table, columns: fk.columns, ...(fk.name !== undefined ? { name: fk.name } : {}) }, `${table} has no foreign key ${list(fk.columns)} -> ${target}`)
  }
  for (const c of unused) {
    const ref = c.references!
    add('extra_foreign_key', { table, columns: c.columns, name: c.name }, `${table} has foreign key ${c.name} ${list(c.columns)} -> ${qualified(ref.schema, ref.table)}${list(ref.columns)}, not in the manifest`)
  }
}

function actions (fk: Pick<ExpectedForeignKey, 'onDelete' | 'onUpdate'>): { on_delete?: string, on_update?: string } {
  return { ...(fk.onDelete !== undefined ? { on_delete: fk.onDelete } : {}), ...(fk.onUpdate !== undefined ? { on_update: fk.onUpdate } : {}) }
}

function describeActions (fk: ExpectedForeignKey): string {
  return [fk.onDelete !== undefined ? `ON DELETE ${fk.onDelete.toUpperCase()}` : '', fk.onUpdate !== undefined ? `ON UPDATE ${fk.onUpdate.toUpperCase()}` : ''].filter((s) => s !== '').join(' ')
}

/** Checks: by name, else (renamed, or unnamed in the manifest) by the normalised expression. */
export function compareChecks (table: string, want: ExpectedTable, live: readonly CatalogConstraint[], add: Add): void {
  if (want.checks === undefined) return
  const unused: CatalogConstraint[] = []
  for (const c of live) if (c.kind === 'check') unused.push(c)
  for (const check of want.checks) {
    const expression = check.expression !== undefined ? canonicalExpression(check.expression) : undefined
    let found = check.name !== undefined ? unused.find((c) => c.name === check.name) : undefined
    if (found === undefined && expression !== undefined) found = unused.find((c) => canonicalExpression(c.expression ?? '') === expression)
    if (found === undefined) {
      const what = [check.name, check.expression !== undefined ? `CHECK (${check.expression})` : undefined].filter((s) => s !== undefined).join(' ')
      add('missing_check', { table, ...(check.name !== undefined ? { name: check.name } : {}) }, `${table} has no check constraint ${what}`)
      continue
    }
    remove(unused, found)
    if (expression !== undefined && expression !== canonicalExpression(found.expression ?? '')) {
      add('check_mismatch', { table, name: found.name, expected: { expression: check.expression! }, actual: { expression: found.expression ?? '' } },
        `${table} check ${found.name} is CHECK (${found.expression ?? ''}), expected CHECK (${check.expression})`)
    }
  }
  for (const c of unused) add('extra_check', { table, name: c.name }, `${table} has check constraint ${c.name} CHECK (${c.expression ?? ''}), not in the manifest`)
}
