// The expression parser behind sql-expression.ts: PostgreSQL's operator precedence, printing
// each node in one canonical, fully parenthesised form as it goes (see sql-expression.ts for
// what is normalised and what is not).
import { SqlSyntaxError, type Token } from './sql-lexer.js'
import { flatten, literal, number, NUMBER } from './sql-literals.js'
import { ident, qualified, RESERVED } from './sql-names.js'
import { subquery } from './sql-subquery.js'

const COMPARISON = new Set(['<', '>', '=', '<=', '>=', '<>', '!='])
const TYPE_WORDS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone'])

export class Parser {
  i = 0
  /** How many subqueries deep the parser is: inside one, column qualifiers are kept. */
  depth = 0
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
    const bin = (op: string, prec: number) => ({
      prec,
      build: (l: string) => {
        this.i++
        const r = this.expr(prec + 1)
        return op === '=' && r.startsWith('any(select ') ? `(${l} in ${r.slice(3)})` : `(${l} ${op} ${r})`
      }
    })
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
      case 'operator': return { prec: 7, build: (l) => { this.i++; this.expect('('); const parts: Token[] = []; while (!this.isPunct(')')) { const p = this.next(); if (p.v !== '.') parts.push(p) } this.i++; return `(${l} ${qualified(parts)} ${this.expr(8)})` } }
      case 'in': case 'like': case 'ilike': case 'similar': case 'between':
        return { prec: 6, build: (l) => { this.i += not ? 2 : 1; return this.special(kw, not, l) } }
      default: return undefined
    }
  }

  special (kw: string, not: boolean, l: string): string {
    if (kw === 'in') {
      this.expect('(')
      if (this.isWord('select')) {
        const sub = this.select()
        this.expect(')')
        return not ? `(not (${l} in ${sub}))` : `(${l} in ${sub})`
      }
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
      const inner = this.isWord('select') ? this.select() : this.expr(0)
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
          if (this.isPunct('(')) {
            this.i++
            // `= ANY (SELECT …)` is IN, as PostgreSQL prints it; `ANY ((SELECT arr …))` stays an array.
            const sub = this.isWord('select')
            const e = sub ? this.select() : this.expr(0)
            this.expect(')')
            return `${t.v === 'some' ? 'any' : t.v}${sub ? e : `(${e})`}`
          }
          break
        case 'exists':
          if (this.isPunct('(') && this.isWord('select', 1)) { this.i++; const sub = this.select(); this.expect(')'); return `exists${sub}` }
      }
      if (RESERVED.has(t.v)) throw new SqlSyntaxError(`unexpected ${t.v}`)
    }
    if (t.t !== 'word' && t.t !== 'qid') throw new SqlSyntaxError(`unexpected ${t.v}`)
    // A name: a column (its qualifier dropped at the top, where PostgreSQL prints none; kept inside a
    // subquery, where it tells apart the tables in scope), a function call (its schema kept unless
    // PostgreSQL would omit it), or a typed literal (`date '…'`).
    const parts = [t]
    while (this.isPunct('.') && (this.peek(1)?.t === 'word' || this.peek(1)?.t === 'qid')) { parts.push(this.peek(1)!); this.i += 2 }
    while (t.t === 'word' && this.peek()?.t === 'word' && TYPE_WORDS.has(this.peek()!.v) && this.isTypedLiteralAhead()) this.i++
    if (this.peek()?.t === 'str' && t.t === 'word') return literal(this.next().v)
    if (this.isPunct('(')) {
      const name = qualified(parts)
      this.i++
      if (this.isPunct(')')) { this.i++; return `${name}()` }
      if (this.peek()?.v === '*') { this.i += 2; return `${name}(*)` }
      const distinct = this.isWord('distinct') ? (this.i++, 'distinct ') : ''
      return `${name}(${distinct}${this.list(')').join(',')})`
    }
    if (this.depth > 0) return parts.map(ident).join('.')
    return parts[parts.length - 1]!.v
  }

  /** A subquery of the simple forms sql-subquery.ts reads, up to (not including) its closing parenthesis. */
  select (): string { return subquery(this) }

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
