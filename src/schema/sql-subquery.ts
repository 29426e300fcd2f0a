// Subqueries of the simple forms row-level security policies use, for the expression parser:
// Supabase's `(select auth.uid())`, `EXISTS (SELECT 1 FROM … WHERE …)`, `x IN (SELECT … FROM …)`.
// Printed canonically; anything beyond these forms throws SqlSyntaxError, so the whole text is
// compared as text (a difference reported that is not one, never one hidden).
import { SqlSyntaxError } from './sql-lexer.js'
import { qualified, ident, RESERVED } from './sql-names.js'
import type { Parser } from './sql-parser.js'

// Words that end a select list or a FROM item: never an alias written without AS.
const CLAUSES = new Set(['from', 'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'window', 'fetch', 'for',
  'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using', 'lateral', 'tablesample', 'into'])
/**
 * A subquery of the simple forms policies use, from SELECT up to (not including) its closing
 * parenthesis: `SELECT expr [[AS] alias], … [FROM table [[AS] alias], …] [WHERE expr]`. Output
 * aliases are dropped (PostgreSQL adds one, `AS uid`, and it does not change the value); anything
 * else (JOIN, GROUP BY, LIMIT, DISTINCT, UNION, `*`) is not read, so the text is compared as text.
 */
export function subquery (p: Parser): string {
  p.expect('select')
  if (p.isWord('distinct') || p.isWord('all') || p.isPunct(')')) throw new SqlSyntaxError('subquery form not read')
  p.depth++
  try {
    const targets: string[] = []
    for (;;) {
      if (p.peek()?.v === '*') throw new SqlSyntaxError('SELECT * not read')
      targets.push(p.expr(0))
      alias(p)
      if (!p.isPunct(',')) break
      p.i++
    }
    let from = ''
    if (p.isWord('from')) {
      p.i++
      const items: string[] = []
      for (;;) {
        if (p.isWord('only') || p.isWord('lateral')) throw new SqlSyntaxError('FROM form not read')
        const parts = [p.next()]
        if (parts[0]!.t !== 'word' && parts[0]!.t !== 'qid') throw new SqlSyntaxError('expected a table')
        while (p.isPunct('.')) { p.i++; parts.push(p.next()) }
        if (parts.some((q) => q.t !== 'word' && q.t !== 'qid') || p.isPunct('(')) throw new SqlSyntaxError('FROM form not read')
        const name = alias(p)
        items.push(`${qualified(parts)}${name === undefined ? '' : ` ${name}`}`)
        if (!p.isPunct(',')) break
        p.i++
      }
      from = ` from ${items.join(',')}`
    }
    const where = p.isWord('where') ? (p.i++, ` where ${p.expr(0)}`) : ''
    if (!p.isPunct(')')) throw new SqlSyntaxError('subquery clause not read')
    return `(select ${targets.join(',')}${from}${where})`
  } finally {
    p.depth--
  }
}

/** An alias after a select-list item or table, `[AS] name`, if there is one; refuses column lists. */
function alias (p: Parser): string | undefined {
  const as = p.isWord('as')
  if (as) p.i++
  const t = p.peek()
  if (t === undefined || (t.t !== 'word' && t.t !== 'qid') || (!as && t.t === 'word' && (CLAUSES.has(t.v) || RESERVED.has(t.v)))) {
    if (as) throw new SqlSyntaxError('expected an alias')
    return undefined
  }
  p.i++
  if (p.isPunct('(')) throw new SqlSyntaxError('column alias lists not read')
  return ident(t)
}
