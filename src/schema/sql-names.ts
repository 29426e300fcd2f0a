// Names as the expression parser prints them: which words are keywords, when a quoted name keeps
// its quotes, and which schema qualifiers PostgreSQL leaves out.
import type { Token } from './sql-lexer.js'

export const RESERVED = new Set(['and', 'or', 'not', 'is', 'isnull', 'notnull', 'in', 'like', 'ilike', 'similar', 'between', 'case', 'when', 'then', 'else', 'end', 'as', 'collate', 'at', 'from', 'escape', 'operator', 'array', 'cast', 'select', 'where'])
// Schemas PostgreSQL leaves out when it prints a name under the app's search_path (pg_catalog first,
// then the default schema, public): a qualifier naming one of them is dropped, any other is kept.
const OMITTED_SCHEMAS = new Set(['pg_catalog', 'public'])

/** A name as printed: a quoted name that needs its quotes keeps them, so `"a.b"` is not `a.b`. */
export function ident (t: Token): string {
  return t.t === 'qid' && !/^[a-z_][a-z0-9_$]*$/.test(t.v) ? `"${t.v.replace(/"/g, '""')}"` : t.v
}

/** A qualified name of a function, operator or table: the qualifier kept unless PostgreSQL would omit it. */
export function qualified (parts: readonly Token[]): string {
  const names = parts.map(ident)
  if (names.length === 2 && OMITTED_SCHEMAS.has(parts[0]!.v)) names.shift()
  return names.join('.')
}
