// Index key columns as a manifest writes them (`created_at DESC`, `lower(email)`, `(a + b)`) and
// as the catalog reads them, in one comparable form: ASC and NULLS LAST are the defaults of an
// ascending column, NULLS FIRST of a descending one, so `a ASC NULLS LAST` is `a`.
import type { IndexElement } from './catalog-objects.js'
import { bareColumn, canonicalExpression } from './sql-expression.js'

const ORDER = /\s+(asc|desc)?(?:\s*\bnulls\s+(first|last))?\s*$/i
// An operator class is not compared: `email text_pattern_ops` is the column email.
const OPCLASS = /\s+[A-Za-z_][A-Za-z0-9_]*_ops\s*$/i

/** A manifest's index column: anything with a parenthesis is an expression, `"…"` a quoted name, the rest a column name. */
export function parseElement (written: string): IndexElement {
  let text = written.trim()
  let desc = false
  let nullsFirst: boolean | undefined
  const m = ORDER.exec(text)
  if (m !== null && (m[1] !== undefined || m[2] !== undefined)) {
    desc = m[1]?.toLowerCase() === 'desc'
    if (m[2] !== undefined) nullsFirst = m[2].toLowerCase() === 'first'
    text = text.slice(0, m.index)
  }
  text = text.replace(OPCLASS, '')
  const quoted = /^"((?:[^"]|"")*)"$/.exec(text)
  const expression = quoted === null && text.includes('(')
  return { text: quoted !== null ? quoted[1]!.replace(/""/g, '"') : text, expression, desc, nullsFirst: nullsFirst ?? desc }
}

/** Comparable form: `c:name` for a column, `e:…` for an expression, then the non-default ordering. */
export function elementKey (el: IndexElement): string {
  const bare = el.expression ? bareColumn(el.text) : el.text
  const base = bare !== undefined ? `c:${bare}` : `e:${canonicalExpression(el.text)}`
  return `${base}${el.desc ? ' desc' : ''}${el.nullsFirst !== el.desc ? (el.nullsFirst ? ' nulls first' : ' nulls last') : ''}`
}

/** As a manifest writes it; a column name that would read as something else is quoted. */
export function formatElement (el: IndexElement): string {
  const text = el.expression || !/[()"\s]/.test(el.text) ? el.text : `"${el.text.replace(/"/g, '""')}"`
  return `${text}${el.desc ? ' DESC' : ''}${el.nullsFirst !== el.desc ? (el.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`
}
