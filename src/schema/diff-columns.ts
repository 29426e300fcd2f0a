// Columns of one table against the manifest: type, nullability and default, compared after
// normalisation. Runs for every compared column (100,000 in a big schema).
import type { CatalogColumn } from './catalog.js'
import { defaultsMatch, isSequenceDefault } from './defaults.js'
import type { ExpectedColumn } from './expected.js'
import type { Add, ColumnShape } from './findings.js'
import { formatType, typesMatch } from './format-type.js'
import { parseType } from './parse-type.js'
import { TypeSyntaxError, type PgType } from './pg-type.js'

// No closures, messages only for findings.
export function compareColumn (table: string, column: string, want: ExpectedColumn, have: CatalogColumn, add: Add): void {
  const wantType = want.type !== undefined ? cachedType(want.type) : undefined
  const haveType = cachedType(have.type)
  if (wantType !== undefined && !typesMatch(wantType, haveType)) {
    add('type_mismatch', { table, column, expected: { type: formatType(wantType) }, actual: { type: have.type } },
      `${table}.${column} has type ${have.type}, expected ${formatType(wantType)}`)
  }
  if (want.nullable !== undefined && want.nullable !== have.nullable) {
    add('nullability_mismatch', { table, column, expected: { nullable: want.nullable }, actual: { nullable: have.nullable } },
      `${table}.${column} is ${have.nullable ? 'nullable' : 'NOT NULL'}, expected ${want.nullable ? 'nullable' : 'NOT NULL'}`)
  }
  const wantDefault = want.default
  if (wantDefault === undefined) {
    // `serial` promises a sequence: a nextval() default, or an identity column.
    if (wantType?.serial === true && have.identity === undefined && (have.default === null || !isSequenceDefault(have.default))) {
      add('default_mismatch', { table, column, expected: { default: 'nextval(...)' }, actual: { default: have.default } },
        `${table}.${column} has ${have.default === null ? 'no default' : `default ${have.default}`}, expected a sequence (serial)`)
    }
    return
  }
  const same = wantDefault === null
    ? have.default === null
    : have.default !== null && defaultsMatch(wantDefault, have.default, haveType)
  if (!same) {
    const now = have.default === null ? 'no default' : `default ${have.default}`
    add('default_mismatch', { table, column, expected: { default: wantDefault }, actual: { default: have.default } },
      `${table}.${column} has ${now}, expected ${wantDefault === null ? 'no default' : wantDefault}`)
  }
}

export function expectedShape (want: ExpectedColumn): ColumnShape {
  return {
    ...(want.type !== undefined ? { type: formatType(cachedType(want.type)) } : {}),
    ...(want.nullable !== undefined ? { nullable: want.nullable } : {}),
    ...(want.default !== undefined ? { default: want.default } : {})
  }
}

export function actualShape (have: CatalogColumn): ColumnShape {
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
