// A CHECK, index or predicate expression in a form where equal things compare equal: the text a
// manifest holds (`page_count >= 0`, `status IN ('a', 'b')`, `lower(email)`) and the text
// PostgreSQL prints (`(page_count >= 0)`, `((status)::text = ANY ((ARRAY['a'::character
// varying, 'b'::character varying])::text[]))`, `lower((email)::text)`) parse into one tree.
// Parsed with PostgreSQL's operator precedence, then printed fully parenthesised, with:
// casts dropped (`x::text`, `CAST(x AS t)`, `date '2024-01-01'`), schema qualifiers dropped,
// unquoted names and keywords lowercased, `IN (…)` as `= ANY (ARRAY[…])`, BETWEEN as its two
// comparisons, LIKE as `~~`, `!=` as `<>`, a CASE without ELSE as `ELSE NULL`, numbers in quotes as
// numbers, AND/OR chains flattened. Text this parser does not read falls back to canonicalDefault.
// Limits: no reordering (`a = b` is not `b = a`), no constant folding, collations and operator
// classes kept as written, no subqueries (PostgreSQL allows none in these places anyway).
import { canonicalDefault } from './defaults.js'
import { lex, SqlSyntaxError, type Token } from './sql-lexer.js'

const COMPARISON = new Set(['<', '>', '=', '<=', '>=', '<>', '!='])
const RESERVED = new Set(['and', 'or', 'not', 'is', 'isnull', 'notnull', 'in', 'like', 'ilike', 'similar', 'between', 'case', 'when', 'then', 'else', 'end', 'as', 'collate', 'at', 'from', 'escape', 'operator', 'array', 'cast'])
const TYPE_WORDS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone'])
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

class Parser {
  i = 0
  constructor (readonly toks: readonly Token[]) {}
  peek (k = 0): Token | undefined { return this.toks[this.i + k] }
  isWord (v: string, k = 0): boolean { const t = this.peek(k); return t?.t === 'word' && t.v === v }
  isPunct (v: string, k = 0): boolean { const t = this.peek(k); return t?.t === 'punct' && t.v === v }
  next (): Token {
    const t = this.toks[this.i++]
    if (t === undefined) throw new SqlSyntaxError('unexpected end')
    return t
  }

  expect (v: string): void {
    const t = this.next()
    if (t.v !== v || (t.t !== 'punct' && t.t !== 'word')) throw new SqlSyntaxError(`expected ${v}`)
  }

  list (close: string): string[] {
    const out: string[] = []
    if (this.isPunct(close)) { this.i++; return out }
    for (;;) {
      out.push(this.expr(0))
      const t = this.next()
      if (t.v === close) return out
      if (t.v !== ',') throw new SqlSyntaxError(`expected , or ${close}`)
    }
  }

  /** Skips a type name after `::` or AS: qualified, multi-word, with modifiers and array brackets. */
  skipType (): void {
    const first = this.next()
    if (first.t !== 'word' && first.t !== 'qid') throw new SqlSyntaxError('expected a type')
    while (this.isPunct('.')) this.i += 2
    for (;;) {
      const t = this.peek()
      if (t?.t === 'word' && TYPE_WORDS.has(t.v)) { this.i++; continue }
      if (t?.t === 'punct' && (t.v === '(' || t.v === '[')) {
        const close = t.v === '(' ? ')' : ']'
        while (this.next().v !== close);
        continue
      }
      return
    }
  }

  expr (min: number): string {
    let left = this.prefix()
    for (;;) {
      const t = this.peek()
      if (t === undefined) return left
      if (t.t === 'punct' && t.v === '::') { this.i++; this.skipType(); continue }
      if (t.t === 'punct' && t.v === '[') {
        this.i++
        const parts = [this.expr(0)]
        if (this.isPunct(':')) { this.i++; parts.push(this.expr(0)) }
        this.expect(']')
        left = `${left}[${parts.join(':')}]`
        continue
      }
      const infix = this.infix(t)
      if (infix === undefined || infix.prec < min) return left
      left = infix.build(left)
    }
  }

  infix (t: Token): { prec: number, build: (l: string) => string } | undefined {
    const bin = (op: string, prec: number) => ({ prec, build: (l: string) => { this.i++; return `(${l} ${op} ${this.expr(prec + 1)})` } })
    if (t.t === 'op') {
      const op = t.v === '!=' ? '<>' : t.v
      if (op === '^') return bin(op, 10)
      if (op === '*' || op === '/' || op === '%') return bin(op, 9)
      if (op === '+' || op === '-') return bin(op, 8)
      if (COMPARISON.has(t.v)) return bin(op, 5)
      return bin(op, 7)
    }
    if (t.t !== 'word') return undefined
    const word = t.v
    const not = word === 'not' && ['in', 'like', 'ilike', 'similar', 'between'].includes(this.peek(1)?.v ?? '')
    const kw = not ? this.peek(1)!.v : word
    switch (kw) {
      case 'or': return { prec: 1, build: (l) => { this.i++; return flatten('or', l, this.expr(2)) } }
      case 'and': return { prec: 2, build: (l) => { this.i++; return flatten('and', l, this.expr(3)) } }
      case 'is': return { prec: 4, build: (l) => this.is(l) }
      case 'isnull': case 'notnull': return { prec: 4, build: (l) => { this.i++; return `(${l} is ${kw === 'isnull' ? 'null' : 'not null'})` } }
      case 'collate': return { prec: 12, build: (l) => { this.i++; const c = this.next(); return `(${l} collate ${c.v})` } }
      case 'at': return { prec: 11, build: (l) => { this.i += 3; return `(${l} at time zone ${this.expr(12)})` } }
      case 'operator': return { prec: 7, build: (l) => { this.i++; this.expect('('); let op = ''; while (!this.isPunct(')')) op = this.next().v; this.i++; return `(${l} ${op} ${this.expr(8)})` } }
      case 'in': case 'like': case 'ilike': case 'similar': case 'between':
        return { prec: 6, build: (l) => { this.i += not ? 2 : 1; return this.special(kw, not, l) } }
      default: return undefined
    }
  }

  special (kw: string, not: boolean, l: string): string {
    if (kw === 'in') {
      this.expect('(')
      const items = this.list(')')
      // PostgreSQL prints a one-item IN as the plain comparison.
      if (items.length === 1) return `(${l} ${not ? '<>' : '='} ${items[0]!})`
      return `(${l} ${not ? '<>' : '='} ${not ? 'all' : 'any'}(array[${items.join(',')}]))`
    }
    if (kw === 'between') {
      if (this.isWord('symmetric')) throw new SqlSyntaxError('BETWEEN SYMMETRIC')
      const lo = this.expr(7)
      this.expect('and')
      const hi = this.expr(7)
      return not ? flatten('or', `(${l} < ${lo})`, `(${l} > ${hi})`) : flatten('and', `(${l} >= ${lo})`, `(${l} <= ${hi})`)
    }
    if (kw === 'similar') {
      this.expect('to')
      return `(${l} ${not ? '!~' : '~'} similar_to_escape(${this.expr(7)}))`
    }
    const r = this.expr(7)
    if (this.isWord('escape')) throw new SqlSyntaxError('LIKE ... ESCAPE')
    return `(${l} ${not ? '!' : ''}~~${kw === 'ilike' ? '*' : ''} ${r})`
  }

  is (l: string): string {
    this.i++
    const not = this.isWord('not')
    if (not) this.i++
    const t = this.next()
    if (t.v === 'distinct') {
      this.expect('from')
      const r = `(${l} is distinct from ${this.expr(5)})`
      return not ? `(not ${r})` : r
    }
    if (!['null', 'true', 'false', 'unknown'].includes(t.v)) throw new SqlSyntaxError(`IS ${t.v}`)
    return `(${l} is ${not ? 'not ' : ''}${t.v})`
  }

  prefix (): string {
    const t = this.next()
    if (t.t === 'num') return number(t.v)
    if (t.t === 'str') return literal(t.v)
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      const operand = this.expr(13)
      if (NUMBER.test(operand)) return t.v === '-' ? number(`-${operand}`) : operand
      return `(${t.v}${operand})`
    }
    if (t.t === 'op') return `(${t.v}${this.expr(13)})`
    if (t.t === 'punct' && t.v === '(') {
      const inner = this.expr(0)
      this.expect(')')
      return inner
    }
    if (t.t === 'word') {
      switch (t.v) {
        case 'null': case 'true': case 'false': return t.v
        case 'not': return `(not ${this.expr(3)})`
        case 'array': this.expect('['); return `array[${this.list(']').join(',')}]`
        case 'case': return this.case()
        case 'cast': { this.expect('('); const e = this.expr(0); this.expect('as'); this.skipType(); this.expect(')'); return e }
        case 'any': case 'some': case 'all':
          if (this.isPunct('(')) { this.i++; const e = this.expr(0); this.expect(')'); return `${t.v === 'some' ? 'any' : t.v}(${e})` }
      }
      if (RESERVED.has(t.v)) throw new SqlSyntaxError(`unexpected ${t.v}`)
    }
    if (t.t !== 'word' && t.t !== 'qid') throw new SqlSyntaxError(`unexpected ${t.v}`)
    // A name: qualified (the qualifier is dropped), a function call, or a typed literal (`date '…'`).
    let name = t.v
    while (this.isPunct('.') && (this.peek(1)?.t === 'word' || this.peek(1)?.t === 'qid')) { name = this.peek(1)!.v; this.i += 2 }
    while (t.t === 'word' && this.peek()?.t === 'word' && TYPE_WORDS.has(this.peek()!.v) && this.isTypedLiteralAhead()) this.i++
    if (this.peek()?.t === 'str' && t.t === 'word') return literal(this.next().v)
    if (this.isPunct('(')) {
      this.i++
      if (this.isPunct(')')) { this.i++; return `${name}()` }
      if (this.peek()?.v === '*') { this.i += 2; return `${name}(*)` }
      const distinct = this.isWord('distinct') ? (this.i++, 'distinct ') : ''
      return `${name}(${distinct}${this.list(')').join(',')})`
    }
    return name
  }

  isTypedLiteralAhead (): boolean {
    for (let k = 0; this.peek(k) !== undefined; k++) {
      const t = this.peek(k)!
      if (t.t === 'str') return true
      if (t.t !== 'word' || !TYPE_WORDS.has(t.v)) return false
    }
    return false
  }

  case (): string {
    const arg = this.isWord('when') ? '' : ` ${this.expr(0)}`
    const whens: string[] = []
    while (this.isWord('when')) {
      this.i++
      const cond = this.expr(0)
      this.expect('then')
      whens.push(`when ${cond} then ${this.expr(0)}`)
    }
    let otherwise = 'null'
    if (this.isWord('else')) { this.i++; otherwise = this.expr(0) }
    this.expect('end')
    return `case${arg} ${whens.join(' ')} else ${otherwise} end`
  }
}

function flatten (op: 'and' | 'or', l: string, r: string): string {
  const strip = (s: string) => s.startsWith(`(${op}: `) ? s.slice(op.length + 3, -1) : s
  return `(${op}: ${strip(l)} ; ${strip(r)})`
}

/** `007` → `7`, `.50` → `0.50`, `-0` → `0`; the scale of a decimal is kept (PostgreSQL keeps it too). */
function number (text: string): string {
  const m = /^([+-]?)(\d*)(\.\d*)?$/.exec(text)
  if (m === null) return text.toLowerCase()
  const whole = BigInt(`${m[1]}${m[2] === '' ? '0' : m[2]}`)
  const fraction = m[3] === '.' ? '' : m[3] ?? ''
  return `${whole === 0n && m[1] === '-' && fraction !== '' ? '-' : ''}${whole}${fraction}`
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/

function literal (value: string): string {
  // PostgreSQL prints a negative constant as '-1'::integer: a quoted number is that number.
  if (NUMBER.test(value.trim())) return number(value.trim())
  // And a timestamp constant in full ('2024-01-01' as '2024-01-01 00:00:00'); a date stays short.
  const dt = DATETIME.exec(value)
  if (dt !== null) {
    const time = dt[2] === undefined ? '' : `${dt[2]}:${dt[3]}:${dt[4] ?? '00'}${dt[5] ?? ''}`
    value = time === '' || time === '00:00:00' ? dt[1]! : `${dt[1]} ${time}`
  }
  return `'${value.replace(/'/g, "''")}'`
}

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
