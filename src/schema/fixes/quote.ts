// Text that goes into a fix: SQL identifiers and literals, Python string literals, and
// comments. Names and expressions come from a manifest or from a database we do not trust:
// nothing here may let them end a literal, a comment or a statement early.

// Every keyword PostgreSQL's quote_ident() quotes (pg_get_keywords() where catcode <> 'U',
// PostgreSQL 17): reserved, column-name and type/function-name keywords. Unreserved ones stay bare.
const KEYWORDS = new Set(`all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
boolean both case cast char character check coalesce collate collation column concurrently constraint create cross
current_catalog current_date current_role current_schema current_time current_timestamp current_user dec decimal
default deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full
grant greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull
join json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar json_serialize
json_table json_value lateral leading least left like limit localtime localtimestamp merge_action national natural
nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing
position precision primary real references returning right row select session_user setof similar smallint some
substring symmetric system_user table tablesample then time timestamp to trailing treat trim true union unique user
using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest
xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/))

/** An identifier as quote_ident() writes it: bare when lowercase, plain and not a keyword, else double-quoted. */
export function quoteIdent (name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`
}

/** `schema.table`, each part quoted as needed. */
export function qualifiedIdent (schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`
}

/** A SQL string literal. */
export function sqlString (text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/** A Python string literal (single quotes unless the text holds only the other kind); anything unprintable is escaped. */
export function pyString (text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\\' || ch === quote) out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) out += `\\u${code.toString(16)}`
    else out += ch
  }
  return `${out}${quote}`
}

/**
 * Text for one comment line: line breaks, control characters and the bidirectional formatting
 * characters (which could make a reviewer read a different statement) shown escaped, never obeyed.
 */
export function commentText (text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** `-- text` lines for SQL. */
export function sqlComment (text: string): string {
  return text.split('\n').map((line) => `-- ${commentText(line)}`).join('\n')
}

/** `# text` lines for Python. */
export function pyComment (text: string): string {
  return text.split('\n').map((line) => `# ${commentText(line)}`).join('\n')
}

/**
 * Whether an expression (a default) can be pasted into a statement as it is: quotes and
 * parentheses balanced, no `;` and no comment outside a literal. What the catalog prints
 * always is; a hand-written manifest might not be.
 */
export function isSafeExpression (expr: string): boolean {
  if (expr.trim() === '') return false
  let depth = 0
  let i = 0
  while (i < expr.length) {
    const ch = expr[i]!
    if (ch === "'" || ch === '"') {
      // E'...' strings may escape quotes with a backslash.
      const escapes = ch === "'" && i > 0 && /[Ee]/.test(expr[i - 1]!) && (i < 2 || !/[A-Za-z0-9_]/.test(expr[i - 2]!))
      let j = i + 1
      for (;;) {
        if (j >= expr.length) return false
        if (escapes && expr[j] === '\\') { j += 2; continue }
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) { j += 2; continue }
          break
        }
        j++
      }
      i = j + 1
      continue
    }
    if (ch === '$') return false // a dollar-quoted string could hide anything; the catalog never prints one
    if (ch === ';' || expr.startsWith('--', i) || expr.startsWith('/*', i)) return false
    if (ch === '(') depth++
    if (ch === ')' && --depth < 0) return false
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(ch)) return false
    i++
  }
  return depth === 0
}
