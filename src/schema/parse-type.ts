// Type names as a manifest, SQLAlchemy or format_type writes them, parsed into a PgType:
// aliases (`int4`, `varchar`, `timestamptz`), modifiers, arrays, serials, qualified user types.
import { TypeSyntaxError, type PgType } from './pg-type.js'

const ALIASES: Record<string, string> = {
  int: 'integer', int4: 'integer', integer: 'integer',
  int2: 'smallint', smallint: 'smallint',
  int8: 'bigint', bigint: 'bigint',
  float4: 'real', real: 'real',
  float8: 'double precision', 'double precision': 'double precision',
  bool: 'boolean', boolean: 'boolean',
  varchar: 'character varying', 'character varying': 'character varying', 'char varying': 'character varying',
  char: 'character', character: 'character', bpchar: 'character',
  decimal: 'numeric', numeric: 'numeric',
  timestamp: 'timestamp without time zone', 'timestamp without time zone': 'timestamp without time zone',
  timestamptz: 'timestamp with time zone', 'timestamp with time zone': 'timestamp with time zone',
  time: 'time without time zone', 'time without time zone': 'time without time zone',
  timetz: 'time with time zone', 'time with time zone': 'time with time zone',
  varbit: 'bit varying', 'bit varying': 'bit varying'
}
const SERIALS: Record<string, string> = {
  serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint'
}
// Single-word built-in types that compare by their own name.
const PLAIN = new Set([
  'text', 'uuid', 'json', 'jsonb', 'bytea', 'inet', 'cidr', 'macaddr', 'macaddr8', 'money', 'date', 'xml',
  'bit', 'tsvector', 'tsquery', 'oid', 'name', 'regclass', 'point', 'line', 'lseg', 'box', 'path', 'polygon',
  'circle', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'pg_lsn', 'jsonpath', 'xid'
])
export const BUILTIN_NAMES = new Set([...Object.values(ALIASES), ...PLAIN, 'interval', '"char"'])
export const PRECISION_TYPES = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone'])
const INTERVAL_FIELDS = /^(year|month|day|hour|minute|second)( to (month|hour|minute|second))?$/

type Token = { kind: 'word', text: string, quoted: boolean } | { kind: 'dot' } | { kind: 'parens', args: string[] }

function tokenize (text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) { i++; continue }
    if (ch === '.') { tokens.push({ kind: 'dot' }); i++; continue }
    if (ch === '"') {
      let j = i + 1
      let out = ''
      for (;;) {
        if (j >= text.length) throw new TypeSyntaxError(`unterminated quoted name in "${text}"`)
        if (text[j] === '"') {
          if (text[j + 1] === '"') { out += '"'; j += 2; continue }
          break
        }
        out += text[j++]
      }
      if (out === '') throw new TypeSyntaxError(`empty quoted name in "${text}"`)
      tokens.push({ kind: 'word', text: out, quoted: true })
      i = j + 1
      continue
    }
    if (ch === '(') {
      const close = text.indexOf(')', i)
      if (close < 0) throw new TypeSyntaxError(`unbalanced parenthesis in "${text}"`)
      const args = text.slice(i + 1, close).split(',').map((a) => a.trim().toLowerCase().replace(/\s+/g, ''))
      if (args.some((a) => a === '')) throw new TypeSyntaxError(`empty modifier in "${text}"`)
      tokens.push({ kind: 'parens', args })
      i = close + 1
      continue
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i))
    if (word === null) throw new TypeSyntaxError(`unexpected "${ch}" in type "${text}"`)
    tokens.push({ kind: 'word', text: word[0].toLowerCase(), quoted: false })
    i += word[0].length
  }
  return tokens
}

/** Parses a type as a manifest, SQLAlchemy or format_type writes it. Keywords are case-insensitive. */
export function parseType (input: string): PgType {
  let text = input.trim()
  let array = false
  for (;;) {
    const m = /(\[\s*\d*\s*\]|\s+array)$/i.exec(text)
    if (m === null) break
    array = true
    text = text.slice(0, m.index).trimEnd()
  }
  if (text === '') throw new TypeSyntaxError(`"${input}" is not a type`)
  const tokens = tokenize(text)
  const words = tokens.filter((t): t is Extract<Token, { kind: 'word' }> => t.kind === 'word')
  const parens = tokens.filter((t): t is Extract<Token, { kind: 'parens' }> => t.kind === 'parens')
  if (parens.length > 1) throw new TypeSyntaxError(`"${input}" has more than one modifier list`)
  const modifiers = parens[0]?.args
  const dot = tokens.findIndex((t) => t.kind === 'dot')

  let schema: string | undefined
  let nameWords = words
  if (dot >= 0) {
    if (dot !== 1 || tokens[0]?.kind !== 'word' || tokens[2]?.kind !== 'word' || tokens.filter((t) => t.kind === 'dot').length > 1) {
      throw new TypeSyntaxError(`"${input}" is not a type name (schema.type)`)
    }
    schema = words[0]!.text
    nameWords = words.slice(1)
  }
  if (schema === 'pg_catalog') schema = undefined
  if (nameWords.length === 0) throw new TypeSyntaxError(`"${input}" is not a type`)

  const first = nameWords[0]!
  if (nameWords.length === 1 && first.quoted) {
    // Quoted names are never keywords; `"char"` is the one-byte internal type.
    return userType(first.text === 'char' ? '"char"' : first.text, schema, modifiers, array)
  }
  if (nameWords.some((w) => w.quoted)) throw new TypeSyntaxError(`"${input}" mixes quoted and unquoted words`)
  const joined = nameWords.map((w) => w.text).join(' ')
  if (schema === undefined) {
    const builtin = builtinType(joined, modifiers, array, input)
    if (builtin !== undefined) return builtin
  }
  if (nameWords.length > 1) throw new TypeSyntaxError(`unknown type "${input}"`)
  // `_int4` is PostgreSQL's internal name for `integer[]`.
  if (schema === undefined && joined.startsWith('_') && modifiers === undefined) {
    const element = builtinType(joined.slice(1), undefined, true, input)
    if (element !== undefined) return element
  }
  return userType(joined, schema, modifiers, array)
}

function userType (name: string, schema: string | undefined, modifiers: readonly string[] | undefined, array: boolean): PgType {
  return { name, ...(schema !== undefined ? { schema } : {}), ...(modifiers !== undefined ? { modifiers } : {}), array, serial: false }
}

function builtinType (joined: string, mods: readonly string[] | undefined, array: boolean, input: string): PgType | undefined {
  const make = (name: string, modifiers = mods, serial = false): PgType =>
    ({ name, ...(modifiers !== undefined ? { modifiers } : {}), array, serial })
  const ints = (n: number) => {
    if (mods !== undefined && (mods.length !== n || !mods.every((m) => /^-?\d+$/.test(m)))) {
      throw new TypeSyntaxError(`"${input}" takes ${n === 1 ? 'one integer modifier' : `${n} integer modifiers`}`)
    }
  }
  if (joined === 'float') {
    if (mods === undefined) return make('double precision')
    ints(1)
    // float(p) is real up to 24 binary digits, double precision above: the precision is not kept.
    const p = Number(mods[0])
    if (p < 1 || p > 53) throw new TypeSyntaxError(`"${input}": float precision must be between 1 and 53`)
    return { name: p <= 24 ? 'real' : 'double precision', array, serial: false }
  }
  if (SERIALS[joined] !== undefined) {
    if (mods !== undefined) throw new TypeSyntaxError(`"${input}": ${joined} takes no modifiers`)
    return make(SERIALS[joined]!, undefined, true)
  }
  if (joined === 'interval' || joined.startsWith('interval ')) {
    const fields = joined.slice('interval'.length).trim()
    if (fields !== '' && !INTERVAL_FIELDS.test(fields)) throw new TypeSyntaxError(`"${input}" has unknown interval fields`)
    if (mods !== undefined) ints(1)
    if (fields === '' && mods === undefined) return make('interval')
    return make('interval', [fields + (mods !== undefined ? `(${mods[0]})` : '')])
  }
  const name = ALIASES[joined] ?? (PLAIN.has(joined) ? joined : undefined)
  if (name === undefined) return undefined
  if (name === 'numeric') {
    if (mods === undefined) return make(name)
    if (mods.length === 1) { ints(1); return make(name, [mods[0]!, '0']) }
    ints(2)
    return make(name)
  }
  if (mods !== undefined && (PRECISION_TYPES.has(name) || ['character varying', 'character', 'bit', 'bit varying'].includes(name))) ints(1)
  return make(name)
}
