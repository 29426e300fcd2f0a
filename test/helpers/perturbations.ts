// Perturbations of a database made from models: each the effect of one missed migration of a
// key, constraint, index or enum, derived from the models' exported manifest, with the finding
// that must report it. Used by the perturbation corpus (test/schema/corpus.test.ts).
import type { Rng } from './rng.js'

interface Key { columns: string[], name?: string }
interface Fk extends Key { references: { table: string, columns: string[] }, on_delete: string, on_update: string }
interface Index { columns: string[], name?: string, unique: boolean, using: string, where: string | null }
interface Table { columns: Record<string, { nullable?: boolean }>, primary_key?: Key, unique: Key[], foreign_keys: Fk[], indexes: Index[], checks: Array<{ name?: string, expression: string }> }
export interface ExportedManifest { tables: Record<string, Table>, enums: Record<string, string[]> }

export interface Perturbation {
  /** What was done, for people. */
  readonly label: string
  /** Statements run on a copy of the database made from the models. */
  readonly sql?: string
  /** Or: the models' DDL rewritten (an enum created without a label, or in another order). */
  readonly ddl?: string
  /** The finding that must report it: `kind subject` (subject: schema-qualified table or type). */
  readonly expect: string
  /** Further findings it explains (a CASCADE drops the foreign keys that used a key). */
  readonly allow: readonly string[]
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`
const qualify = (key: string): string => key.includes('.') ? key : `public.${key}`
const sqlName = (key: string): string => qualify(key).split('.').map(q).join('.')
const ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default']

/** Every perturbation the models allow, in a fixed order (the caller samples them). */
export function allPerturbations (m: ExportedManifest, ddl: string): Perturbation[] {
  const out: Perturbation[] = []
  const referrers = (key: string) => Object.entries(m.tables).flatMap(([k, t]) =>
    t.foreign_keys.filter((fk) => qualify(fk.references.table) === qualify(key)).map(() => `missing_foreign_key ${qualify(k)}`))
  for (const [key, t] of Object.entries(m.tables)) {
    const table = sqlName(key)
    const subject = qualify(key)
    if (t.primary_key?.name !== undefined) {
      out.push({ label: `drop primary key of ${subject}`, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(t.primary_key.name)} CASCADE`, expect: `missing_primary_key ${subject}`, allow: referrers(key) })
    }
    for (const u of t.unique) {
      out.push({ label: `drop unique ${u.name} of ${subject}`, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(u.name!)} CASCADE`, expect: `missing_unique ${subject}`, allow: referrers(key) })
    }
    for (const fk of t.foreign_keys) {
      const target = `${sqlName(fk.references.table)} (${fk.references.columns.map(q).join(', ')})`
      out.push({ label: `drop foreign key ${fk.name}`, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(fk.name!)}`, expect: `missing_foreign_key ${subject}`, allow: [] })
      const other = ACTIONS.find((a) => a !== fk.on_delete && (a !== 'set null' || fk.columns.every((c) => t.columns[c]?.nullable !== false)) && a !== 'set default')!
      out.push({
        label: `change ON DELETE of ${fk.name} from ${fk.on_delete} to ${other}`,
        sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(fk.name!)}, ADD CONSTRAINT ${q(fk.name!)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${target} ON DELETE ${other} ON UPDATE ${fk.on_update}`,
        expect: `foreign_key_mismatch ${subject}`,
        allow: []
      })
    }
    for (const ix of t.indexes) {
      const create = (i: Index) => `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(i.name!)} ON ${table} USING ${i.using} (${i.columns.join(', ')})${i.where !== null ? ` WHERE ${i.where}` : ''}`
      out.push({ label: `drop index ${ix.name}`, sql: `DROP INDEX ${sqlName(key.includes('.') ? `${key.split('.')[0]}.${ix.name}` : ix.name!)}`, expect: `missing_index ${subject}`, allow: [] })
      const changed: Index = ix.where !== null
        ? { ...ix, where: null }
        : ix.unique ? { ...ix, unique: false } : ix.columns.length > 1 ? { ...ix, columns: [...ix.columns].reverse() } : { ...ix, where: `${ix.columns[0]} IS NOT NULL` }
      out.push({ label: `alter index ${ix.name}`, sql: `DROP INDEX ${sqlName(key.includes('.') ? `${key.split('.')[0]}.${ix.name}` : ix.name!)}; ${create(changed)}`, expect: `index_mismatch ${subject}`, allow: [] })
      out.push({
        label: `index ${ix.name} left invalid (failed CREATE INDEX CONCURRENTLY)`,
        sql: `UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = '${sqlName(key.includes('.') ? `${key.split('.')[0]}.${ix.name}` : ix.name!)}'::regclass`,
        expect: `invalid_index ${subject}`,
        allow: []
      })
    }
    for (const ck of t.checks) {
      out.push({ label: `drop check ${ck.name}`, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(ck.name!)}`, expect: `missing_check ${subject}`, allow: [] })
      const expression = /\d+/.test(ck.expression) ? ck.expression.replace(/\d+/, (n) => String(Number(n) + 1)) : `NOT (${ck.expression})`
      out.push({ label: `alter check ${ck.name}`, sql: `ALTER TABLE ${table} DROP CONSTRAINT ${q(ck.name!)}, ADD CONSTRAINT ${q(ck.name!)} CHECK (${expression})`, expect: `check_mismatch ${subject}`, allow: [] })
    }
    const column = Object.keys(t.columns)[Object.keys(t.columns).length - 1]!
    out.push({ label: `extra index on ${subject}`, sql: `CREATE INDEX sentinel_extra_ix ON ${table} (${q(column)})`, expect: `extra_index ${subject}`, allow: [] })
    out.push({ label: `extra check on ${subject}`, sql: `ALTER TABLE ${table} ADD CONSTRAINT sentinel_extra_ck CHECK (${q(column)} IS NOT NULL OR true)`, expect: `extra_check ${subject}`, allow: [] })
  }
  for (const [key, labels] of Object.entries(m.enums)) {
    const [schema, name] = key.includes('.') ? key.split('.') as [string, string] : ['public', key]
    const type = `${schema}.${name}`
    const create = new RegExp(`CREATE TYPE ${key.replace('.', '\\.')} AS ENUM \\(([^)]*)\\)`)
    const rewrite = (next: string[]) => ddl.replace(create, `CREATE TYPE ${key} AS ENUM (${next.map((l) => `'${l.replace(/'/g, "''")}'`).join(', ')})`)
    // A label the models use elsewhere (a default, a check, a predicate) cannot be left out of the database.
    for (const label of labels.filter((l) => !ddl.replace(create, '').includes(`'${l}'`))) {
      out.push({ label: `enum ${type} without '${label}'`, ddl: rewrite(labels.filter((l) => l !== label)), expect: `missing_enum_value ${type}`, allow: [] })
    }
    if (labels.length > 1) out.push({ label: `enum ${type} in another order`, ddl: rewrite([...labels].reverse()), expect: `enum_order_mismatch ${type}`, allow: [] })
    out.push({ label: `enum ${type} with an extra label`, sql: `ALTER TYPE ${sqlName(key)} ADD VALUE 'sentinel_extra'`, expect: `extra_enum_value ${type}`, allow: [] })
  }
  return out
}

/** `count` perturbations, each kind at least once, the rest at random. */
export function samplePerturbations (all: readonly Perturbation[], count: number, random: Rng): Perturbation[] {
  const kindOf = (p: Perturbation) => p.expect.split(' ')[0]!
  const shuffled = [...all].map((p) => ({ p, r: random() })).sort((a, b) => a.r - b.r).map((x) => x.p)
  const chosen: Perturbation[] = []
  for (const kind of new Set(all.map(kindOf))) chosen.push(shuffled.find((p) => kindOf(p) === kind)!)
  for (const p of shuffled) if (chosen.length < count && !chosen.includes(p)) chosen.push(p)
  return chosen
}
