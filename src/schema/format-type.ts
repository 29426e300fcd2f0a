// A PgType back to text, and whether a live type satisfies an expected one.
import { BUILTIN_NAMES, PRECISION_TYPES } from './parse-type.js'
import type { PgType } from './pg-type.js'

/** The canonical text of a type, in format_type's style (`timestamp(3) without time zone`). */
export function formatType (t: PgType): string {
  const name = BUILTIN_NAMES.has(t.name) ? t.name : quoteIdent(t.name)
  const qualified = t.schema !== undefined ? `${quoteIdent(t.schema)}.${name}` : name
  let text: string
  if (t.serial) text = { integer: 'serial', bigint: 'bigserial', smallint: 'smallserial' }[t.name] ?? t.name
  else if (t.modifiers === undefined) text = qualified
  else if (t.name === 'interval') text = /^\(/.test(t.modifiers[0] ?? '') ? `interval${t.modifiers[0]}` : `interval ${t.modifiers[0]}`
  else if (PRECISION_TYPES.has(t.name)) {
    const [head, ...rest] = t.name.split(' ')
    text = `${head}(${t.modifiers.join(',')}) ${rest.join(' ')}`
  } else text = `${qualified}(${t.modifiers.join(',')})`
  return t.array ? `${text}[]` : text
}

function quoteIdent (name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`
}

/** Whether the live type satisfies the expected one: a qualifier counts only when both carry one. */
export function typesMatch (expected: PgType, actual: PgType): boolean {
  if (expected.name !== actual.name || expected.array !== actual.array) return false
  if (expected.schema !== undefined && actual.schema !== undefined && expected.schema !== actual.schema) return false
  if (expected.modifiers === undefined) return true
  const a = actual.modifiers ?? []
  return expected.modifiers.length === a.length && expected.modifiers.every((m, i) => m === a[i])
}
