// A column type in a fix: as SQL text, and as the SQLAlchemy type an Alembic operation takes.
// Types come from a manifest (as written) or the catalog (format_type); both are parsed into a
// PgType first, so a fix never pastes type text it has not understood.
import { TypeSyntaxError, type PgType } from '../pg-type.js'
import { parseType } from '../parse-type.js'
import { formatType } from '../format-type.js'
import { quoteIdent } from './quote.js'

type SaType = (mods: readonly string[] | undefined) => string | undefined

const mod = (mods: readonly string[] | undefined, i = 0): string | undefined => mods?.[i]
const precision = (cls: string, extra = '') => (mods: readonly string[] | undefined) =>
  mods === undefined ? undefined : `postgresql.${cls}(${extra}precision=${mods[0]})`

/**
 * Built-in types by their canonical name (as parseType gives it), each with its SQLAlchemy
 * type; `undefined` from the function means SQLAlchemy 1.4 has none and the fix uses op.execute.
 */
const BUILTIN: Readonly<Record<string, SaType>> = {
  integer: () => 'sa.Integer()',
  smallint: () => 'sa.SmallInteger()',
  bigint: () => 'sa.BigInteger()',
  real: () => 'sa.REAL()',
  'double precision': () => 'postgresql.DOUBLE_PRECISION()',
  boolean: () => 'sa.Boolean()',
  'character varying': (m) => m === undefined ? 'sa.String()' : `sa.String(length=${mod(m)})`,
  character: (m) => m === undefined ? 'sa.CHAR()' : `sa.CHAR(length=${mod(m)})`,
  numeric: (m) => m === undefined ? 'sa.Numeric()' : `sa.Numeric(precision=${mod(m)}, scale=${mod(m, 1)})`,
  'timestamp without time zone': (m) => precision('TIMESTAMP')(m) ?? 'sa.DateTime()',
  'timestamp with time zone': (m) => precision('TIMESTAMP', 'timezone=True, ')(m) ?? 'sa.DateTime(timezone=True)',
  'time without time zone': (m) => precision('TIME')(m) ?? 'sa.Time()',
  'time with time zone': (m) => precision('TIME', 'timezone=True, ')(m) ?? 'sa.Time(timezone=True)',
  'bit varying': (m) => m === undefined ? 'postgresql.BIT(varying=True)' : `postgresql.BIT(${mod(m)}, varying=True)`,
  bit: (m) => m === undefined ? 'postgresql.BIT()' : `postgresql.BIT(${mod(m)})`,
  interval: (m) => {
    if (m === undefined) return 'postgresql.INTERVAL()'
    const [, fields, p] = /^([a-z ]*?)(?:\((\d+)\))?$/.exec(m[0] ?? '') ?? []
    const args = [...(p !== undefined ? [`precision=${p}`] : []), ...(fields !== undefined && fields !== '' ? [`fields='${fields}'`] : [])]
    return `postgresql.INTERVAL(${args.join(', ')})`
  },
  text: () => 'sa.Text()',
  date: () => 'sa.Date()',
  uuid: () => 'postgresql.UUID()',
  json: () => 'postgresql.JSON()',
  jsonb: () => 'postgresql.JSONB()',
  bytea: () => 'postgresql.BYTEA()',
  inet: () => 'postgresql.INET()',
  cidr: () => 'postgresql.CIDR()',
  macaddr: () => 'postgresql.MACADDR()',
  money: () => 'postgresql.MONEY()',
  tsvector: () => 'postgresql.TSVECTOR()',
  oid: () => 'postgresql.OID()',
  regclass: () => 'postgresql.REGCLASS()',
  int4range: () => 'postgresql.INT4RANGE()',
  int8range: () => 'postgresql.INT8RANGE()',
  numrange: () => 'postgresql.NUMRANGE()',
  tsrange: () => 'postgresql.TSRANGE()',
  tstzrange: () => 'postgresql.TSTZRANGE()',
  daterange: () => 'postgresql.DATERANGE()',
  ...Object.fromEntries(['macaddr8', 'xml', 'tsquery', 'name', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle',
    'pg_lsn', 'jsonpath', 'xid', '"char"'].map((n) => [n, () => undefined]))
}

const INTERVAL_MODIFIER = /^((year|month|day|hour|minute|second)( to (month|hour|minute|second))?)?(\(\d+\))?$/

/** Parses type text from a manifest or the catalog; undefined when it is not a type we know how to write. */
export function fixType (text: string): PgType | undefined {
  let t: PgType
  try {
    t = parseType(text)
  } catch (err) {
    if (err instanceof TypeSyntaxError) return undefined
    throw err
  }
  return sqlType(t) === undefined ? undefined : t
}

export function isBuiltin (t: PgType): boolean {
  return t.schema === undefined && Object.hasOwn(BUILTIN, t.name)
}

/** The type as SQL; undefined when a modifier is not plainly a number (a user type's could hold anything). */
export function sqlType (t: PgType): string | undefined {
  if (t.serial && t.array) return undefined
  if (isBuiltin(t)) {
    const ok = t.name === 'interval'
      ? (t.modifiers ?? []).every((m) => INTERVAL_MODIFIER.test(m))
      : (t.modifiers ?? []).every((m) => /^-?\d+$/.test(m))
    return ok ? formatType(t) : undefined
  }
  if (!(t.modifiers ?? []).every((m) => /^[a-z0-9_.+-]+$/.test(m))) return undefined
  const name = (t.schema !== undefined ? `${quoteIdent(t.schema)}.` : '') + quoteIdent(t.name)
  return `${name}${t.modifiers !== undefined ? `(${t.modifiers.join(', ')})` : ''}${t.array ? '[]' : ''}`
}

/**
 * The SQLAlchemy type for an Alembic operation (`sa.DateTime()`, `postgresql.ARRAY(sa.Text())`);
 * undefined for serials, user-defined types (an enum, a domain, citext: we cannot tell which)
 * and the few built-ins SQLAlchemy 1.4 lacks. Those fixes go through op.execute.
 */
export function saType (t: PgType): string | undefined {
  if (t.serial || !isBuiltin(t) || sqlType(t) === undefined) return undefined
  const element = BUILTIN[t.name]!(t.modifiers)
  if (element === undefined) return undefined
  return t.array ? `postgresql.ARRAY(${element})` : element
}

/** `integer` for `serial`: the column's own type once its sequence exists. */
export function withoutSerial (t: PgType): PgType {
  return t.serial ? { ...t, serial: false } : t
}
