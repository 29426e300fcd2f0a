// SQL text of an op.execute, cut into statements with comments, string literals and
// dollar-quoted bodies taken out, so that `-- DROP` or 'DELETE' in a value or a function body
// is not mistaken for what the migration runs. One pass over the text.

export interface SqlStatement {
  /** The statement without comments; literals replaced by '' and dollar-quoted bodies by $$. */
  readonly code: string
  /** Values of its single-quoted literals, in order. */
  readonly literals: readonly string[]
  /** The statement as written (for people). */
  readonly text: string
}

const SPECIAL = /[-/'"$;]/g

/** Statements one at a time: a caller that has seen enough stops the work. */
export function * splitSql (sql: string): Generator<SqlStatement, void, undefined> {
  let code = ''
  let literals: string[] = []
  let start = 0
  let i = 0
  const finish = (end: number): SqlStatement | undefined => {
    const statement = code.trim() !== '' ? { code, literals, text: sql.slice(start, end) } : undefined
    code = ''
    literals = []
    start = end + 1
    return statement
  }
  while (i < sql.length) {
    const c = sql[i]!
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end
      code += ' '
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 2
      code += ' '
    } else if (c === "'") {
      let j = i + 1
      let value = ''
      for (;;) {
        const q = sql.indexOf("'", j)
        if (q < 0) { value += sql.slice(j); j = sql.length; break }
        value += sql.slice(j, q)
        if (sql[q + 1] === "'") { value += "'"; j = q + 2; continue }
        j = q + 1
        break
      }
      literals.push(value)
      code += "''"
      i = j
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1)
      const j = end < 0 ? sql.length : end + 1
      code += sql.slice(i, j)
      i = j
    } else if (c === '$' && !/[\w$]/.test(sql[i - 1] ?? ' ')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0]
      if (tag === undefined) { code += c; i++; continue }
      const end = sql.indexOf(tag, i + tag.length)
      i = end < 0 ? sql.length : end + tag.length
      code += '$$'
    } else if (c === ';') {
      const statement = finish(i)
      i++
      if (statement !== undefined) yield statement
    } else {
      // Copy the run up to the next character that could start something.
      SPECIAL.lastIndex = i + 1
      const next = SPECIAL.exec(sql)
      const j = next === null ? sql.length : next.index
      code += sql.slice(i, j)
      i = j
    }
  }
  const last = finish(sql.length)
  if (last !== undefined) yield last
}

export type SqlRisk = 'execute_drop' | 'execute_truncate' | 'execute_delete' | 'execute_alter_type' | 'concurrently'

const IDENT = String.raw`(?:"(?:[^"]|"")*"|[\w$]+)`
const RULES: ReadonlyArray<[SqlRisk, RegExp]> = [
  // DROP NOT NULL / DEFAULT / IDENTITY / EXPRESSION lose no data.
  ['execute_drop', /\bDROP\s+(?!NOT\s+NULL\b|DEFAULT\b|IDENTITY\b|EXPRESSION\b)/i],
  ['execute_truncate', /\bTRUNCATE\b/i],
  // `ON DELETE CASCADE` and `FOR DELETE` are not deletions.
  ['execute_delete', /\bDELETE\s+FROM\b/i],
  // ALTER [COLUMN] c [SET DATA] TYPE: a type change (ALTER TYPE … ADD VALUE is not).
  ['execute_alter_type', new RegExp(String.raw`\bALTER\s+(?:COLUMN\s+)?${IDENT}\s+(?:SET\s+DATA\s+)?TYPE\b`, 'i')],
  // Refused inside a transaction block (SQLSTATE 25001).
  ['concurrently', /\b(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\s+\w+)\s+CONCURRENTLY\b/i]
]
const ADD_VALUE = new RegExp(String.raw`\bALTER\s+TYPE\s+${IDENT}(?:\s*\.\s*${IDENT})?\s+ADD\s+VALUE\b`, 'i')

export function sqlRisks (statement: SqlStatement): SqlRisk[] {
  return RULES.filter(([, re]) => re.test(statement.code)).map(([risk]) => risk)
}

/** The label an `ALTER TYPE … ADD VALUE 'label'` statement adds, if it is one. */
export function addedEnumValue (statement: SqlStatement): string | undefined {
  return ADD_VALUE.test(statement.code) ? statement.literals[0] : undefined
}
