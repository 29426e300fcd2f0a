// Just enough of Python's tokenizer to find module-level assignments: strings (all quote
// styles and prefixes), comments, bracket and backslash line joining, and each logical
// line's indentation. Nothing is evaluated here. Lines are yielded one at a time, so only the
// tokens of the current logical line are held, and brackets deeper than Python's own limit
// stop the tokenizer at once.

export type TokenKind = 'name' | 'string' | 'number' | 'op'

export interface Token {
  readonly kind: TokenKind
  readonly text: string
  /** Decoded contents of a string token. */
  readonly value?: string
  /** Lower-cased string prefix (`r`, `b`, `f`, `rb`, …), '' for none. */
  readonly prefix?: string
}

export interface LogicalLine {
  /** 1-based line where the logical line starts. */
  readonly line: number
  /** Column of its first token: 0 means module level. */
  readonly indent: number
  /** At most MAX_LINE_TOKENS of them. */
  readonly tokens: readonly Token[]
  /** The line had more tokens than are kept (a huge data literal): `tokens` is its beginning. */
  readonly truncated?: boolean
}

/** Tokens kept per logical line: memory stays bounded whatever one line holds. */
export const MAX_LINE_TOKENS = 10_000

/** CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses"). */
export const MAX_NESTING = 200

export type TokenProblem = 'unterminated_string' | 'unexpected_character' | 'too_deep'

export class TokenError extends Error {
  constructor (readonly line: number, readonly problem: TokenProblem, readonly character?: string) { super(`line ${line}: ${problem}`) }
}

const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy
const NUMBER = /(?:\d|\.\d)[\w.]*/uy
const OPERATOR = /\*\*=|\/\/=|>>=|<<=|\.\.\.|->|:=|==|!=|<=|>=|[-+*/%&|^@]=|\*\*|\/\/|<<|>>|[()[\]{}:;,.=<>+\-*/%&|^~@!]/y
const STRING_STOP = /[\\\r\n'"]/g
const STRING_PREFIX = /^(?:[rubf]|br|rb|fr|rf)$/i
const OPENERS = new Set(['(', '[', '{'])
const CLOSERS = new Set([')', ']', '}'])
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' }

export function * logicalLines (source: string): Generator<LogicalLine, void, undefined> {
  let tokens: Token[] = []
  let start = { line: 1, indent: 0 }
  let line = 1
  let depth = 0
  let i = source.charCodeAt(0) === 0xFEFF ? 1 : 0 // a UTF-8 BOM
  let lineStart = i
  let truncated = false
  const push = (token: Token, at: number): void => {
    // A form feed at the start of a line does not indent it (Python's tokenizer resets the column).
    if (tokens.length === 0) start = { line, indent: source.slice(lineStart, at).replace(/\f/g, '').length }
    if (tokens.length < MAX_LINE_TOKENS) tokens.push(token)
    else truncated = true
  }
  const line_ = (): LogicalLine => {
    const out = truncated ? { ...start, tokens, truncated } : { ...start, tokens }
    tokens = []
    truncated = false
    return out
  }
  while (i < source.length) {
    const c = source[i]!
    if (c === ' ' || c === '\t' || c === '\f') { i++; continue }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++
      continue
    }
    if (c === '\\' && (source[i + 1] === '\n' || source[i + 1] === '\r')) {
      i += source.startsWith('\r\n', i + 1) ? 3 : 2
      line++
      lineStart = i
      continue
    }
    if (c === '\n' || c === '\r') {
      i += source.startsWith('\r\n', i) ? 2 : 1
      if (depth === 0 && tokens.length > 0) yield line_()
      line++
      lineStart = i
      continue
    }
    const at = i
    NAME.lastIndex = i
    const name = NAME.exec(source)?.[0]
    if (name !== undefined) {
      const quote = source[i + name.length]
      if ((quote === '"' || quote === "'") && STRING_PREFIX.test(name)) {
        i = readString(i + name.length, name.toLowerCase(), at)
      } else {
        push({ kind: 'name', text: name }, at)
        i += name.length
      }
      continue
    }
    if (c === '"' || c === "'") { i = readString(i, '', at); continue }
    NUMBER.lastIndex = i
    const number = NUMBER.exec(source)?.[0]
    if (number !== undefined) { push({ kind: 'number', text: number }, at); i += number.length; continue }
    OPERATOR.lastIndex = i
    const op = OPERATOR.exec(source)?.[0]
    if (op === undefined) throw new TokenError(line, 'unexpected_character', c)
    if (OPENERS.has(op) && ++depth > MAX_NESTING) throw new TokenError(line, 'too_deep')
    if (CLOSERS.has(op)) depth = Math.max(0, depth - 1)
    push({ kind: 'op', text: op }, at)
    i += op.length
  }
  if (tokens.length > 0) yield line_()

  // Reads the string whose opening quote is at `q`; returns the index after it.
  function readString (q: number, prefix: string, at: number): number {
    const startLine = line
    const quote = source.startsWith(source[q]!.repeat(3), q) ? source[q]!.repeat(3) : source[q]!
    let j = q + quote.length
    let raw = ''
    for (;;) {
      // Jump to the next character that can end, escape or break the string.
      STRING_STOP.lastIndex = j
      const stop = STRING_STOP.exec(source)
      if (stop === null) throw new TokenError(startLine, 'unterminated_string')
      raw += source.slice(j, stop.index)
      j = stop.index
      const ch = source[j]!
      if (source.startsWith(quote, j)) break
      if (ch === '\\' && j + 1 < source.length) {
        const n = source.startsWith('\r\n', j + 1) ? 3 : 2
        raw += source.slice(j, j + n)
        if (source[j + 1] === '\n' || source[j + 1] === '\r') { line++; lineStart = j + n }
        j += n
        continue
      }
      if (ch === '\n' || ch === '\r') {
        if (quote.length === 1) throw new TokenError(startLine, 'unterminated_string')
        if (!(ch === '\r' && source[j + 1] === '\n')) { line++; lineStart = j + 1 }
      }
      raw += ch
      j++
    }
    const end = j + quote.length
    push({ kind: 'string', text: source.slice(at, end), value: prefix.includes('r') ? raw : unescape(raw), prefix }, at)
    return end
  }
}

function unescape (raw: string): string {
  return raw.replace(/\\(\r\n|[\n\r]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/gs, (whole, e: string) => {
    if (e.startsWith('\n') || e.startsWith('\r')) return ''
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16))
    if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8))
    // Python keeps unknown escapes as written.
    return SIMPLE_ESCAPES[e] ?? whole
  })
}
