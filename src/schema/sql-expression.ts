// A CHECK, index or predicate expression in a form where equal things compare equal: the text a
// manifest holds (`page_count >= 0`, `status IN ('a', 'b')`, `lower(email)`) and the text
// PostgreSQL prints (`(page_count >= 0)`, `((status)::text = ANY ((ARRAY['a'::character
// varying, 'b'::character varying])::text[]))`, `lower((email)::text)`) parse into one tree.
// Parsed with PostgreSQL's operator precedence, then printed fully parenthesised, with:
// casts dropped (`x::text`, `CAST(x AS t)`, `date '2024-01-01'`), a column's table qualifier
// dropped (kept inside a subquery), the schema of a function, operator or table dropped only when
// it is pg_catalog or public (what PostgreSQL omits under the usual search_path: `auth.uid()` is
// not `uid()`), unquoted names and keywords lowercased, `IN (…)` as `= ANY (ARRAY[…])`, BETWEEN as its two
// comparisons, LIKE as `~~`, `!=` as `<>`, a CASE without ELSE as `ELSE NULL`, numbers in quotes as
// numbers, AND/OR chains flattened. Text this parser does not read falls back to canonicalDefault.
// Limits: no reordering (`a = b` is not `b = a`), no constant folding, collations and operator
// classes kept as written; of subqueries (policies have them) only the simple forms
// sql-subquery.ts reads, their output aliases dropped.
import { canonicalDefault } from './defaults.js'
import { lex, SqlSyntaxError } from './sql-lexer.js'
import { RESERVED } from './sql-names.js'
import { Parser } from './sql-parser.js'

const CACHE_LIMIT = 10_000
const cache = new Map<string, string>()

/** The comparable form of an expression; two texts that mean the same (as above) give the same string. */
export function canonicalExpression (text: string): string {
  let out = cache.get(text)
  if (out !== undefined) return out
  try {
    const p = new Parser(lex(text))
    out = p.expr(0)
    if (p.peek() !== undefined) throw new SqlSyntaxError(`unexpected ${p.peek()!.v}`)
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) throw err
    out = `text:${canonicalDefault(text)}`
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(text, out)
  return out
}

/** Whether the text is a bare column reference after normalisation (`(email)`, `"Email"`): its name, else undefined. */
export function bareColumn (text: string): string | undefined {
  try {
    const toks = lex(text).filter((t) => t.v !== '(' && t.v !== ')')
    if (toks.length === 1 && (toks[0]!.t === 'qid' || (toks[0]!.t === 'word' && !RESERVED.has(toks[0]!.v)))) return toks[0]!.v
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) throw err
  }
  return undefined
}
