// Tokens of a SQL expression as PostgreSQL's scanner splits them: enough for the CHECK, index and
// predicate texts that a manifest or pg_get_expr holds. Never evaluated; only compared.

export type TokenType = 'num' | 'str' | 'word' | 'qid' | 'op' | 'punct'
export interface Token {
  readonly t: TokenType
  /** num: as written; str: the value, unescaped; word: lowercased; qid: as quoted; op/punct: the characters. */
  readonly v: string
}

export class SqlSyntaxError extends Error {
  override name = 'SqlSyntaxError' as const
}

const OP_CHARS = '+-*/<>=~!@#%^&|`?'
const SPECIAL = /[~!@#%^&|`?]/

export function lex (text: string): Token[] {
  const out: Token[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text[i]!
    if (/\s/.test(ch)) { i++; continue }
    const rest = text.slice(i)
    if (rest.startsWith('--') || rest.startsWith('/*')) throw new SqlSyntaxError('comments are not read')
    if (rest.startsWith('::')) { out.push({ t: 'punct', v: '::' }); i += 2; continue }
    if ('()[],;.:'.includes(ch) && !/^\.\d/.test(rest)) { out.push({ t: 'punct', v: ch }); i++; continue }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest)
    if (num !== null) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue }
    const prefixed = /^[EeBbXxNn]'/.exec(rest)
    if (ch === "'" || prefixed !== null) {
      const escapes = prefixed !== null && /[Ee]/.test(ch)
      let j = prefixed !== null ? i + 2 : i + 1
      let value = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('unterminated string')
        const c = text[j]!
        if (escapes && c === '\\') { value += text[j + 1] ?? ''; j += 2; continue }
        if (c === "'") {
          if (text[j + 1] === "'") { value += "'"; j += 2; continue }
          break
        }
        value += c
        j++
      }
      // Bit strings keep their prefix: B'101' is not the text '101'.
      out.push({ t: 'str', v: /[BbXx]/.test(prefixed?.[0]?.[0] ?? '') ? `${ch.toLowerCase()}:${value}` : value })
      i = j + 1
      continue
    }
    if (ch === '"') {
      let j = i + 1
      let value = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('unterminated quoted name')
        if (text[j] === '"') {
          if (text[j + 1] === '"') { value += '"'; j += 2; continue }
          break
        }
        value += text[j++]
      }
      out.push({ t: 'qid', v: value })
      i = j + 1
      continue
    }
    const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(rest)
    if (word !== null) { out.push({ t: 'word', v: word[0].toLowerCase() }); i += word[0].length; continue }
    if (OP_CHARS.includes(ch)) {
      let j = i
      while (j < n && OP_CHARS.includes(text[j]!) && !text.startsWith('--', j) && !text.startsWith('/*', j)) j++
      let op = text.slice(i, j)
      // As PostgreSQL: a multi-character operator ends in + or - only if it holds one of ~!@#%^&|`?
      while (op.length > 1 && /[+-]$/.test(op) && !SPECIAL.test(op)) op = op.slice(0, -1)
      out.push({ t: 'op', v: op })
      i += op.length
      continue
    }
    if (ch === '$') throw new SqlSyntaxError('dollar quoting and parameters are not read')
    throw new SqlSyntaxError(`unexpected "${ch}"`)
  }
  return out
}
