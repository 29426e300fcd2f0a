// Default expressions compare without the casts PostgreSQL adds when it stores them:
// `'[]'::json`, `'active'::character varying`, `'now'::text::date`, `nextval('s'::regclass)`.
import type { PgType } from './pg-type.js'

type Kind = 'literal' | 'ident' | 'word' | 'cast' | 'space' | 'punct'
interface Token { readonly kind: Kind, readonly text: string }

// Words that continue a multi-word type name after `::` (`::character varying`, `::timestamp with time zone`).
const TYPE_CONTINUATIONS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone'])
const TRUE_WORDS = new Set(['t', 'true', 'y', 'yes', 'on', '1'])
const FALSE_WORDS = new Set(['f', 'false', 'n', 'no', 'off', '0'])
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

function lex (expr: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < expr.length) {
    const rest = expr.slice(i)
    const ch = expr[i]!
    const m = /^(\s+)/.exec(rest) ?? /^(::)/.exec(rest) ?? /^([A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?)/.exec(rest)
    if (m !== null && !/^[Ee]'/.test(rest)) {
      const text = m[1]!
      out.push({ kind: /^\s/.test(text) ? 'space' : text === '::' ? 'cast' : 'word', text })
      i += text.length
      continue
    }
    if (ch === "'" || ch === '"' || /^[Ee]'/.test(rest)) {
      const escapes = ch !== "'" && ch !== '"'
      const quote = escapes ? "'" : ch
      let j = escapes ? i + 2 : i + 1
      while (j < expr.length) {
        if (escapes && expr[j] === '\\') { j += 2; continue }
        if (expr[j] === quote) {
          if (expr[j + 1] === quote) { j += 2; continue }
          break
        }
        j++
      }
      out.push({ kind: quote === "'" ? 'literal' : 'ident', text: expr.slice(i, j + 1) })
      i = j + 1
      continue
    }
    out.push({ kind: 'punct', text: ch })
    i++
  }
  return out
}

/** Index just past the type that follows a `::` at `start`. */
function skipType (tokens: readonly Token[], start: number): number {
  let i = start
  const at = (k: number) => tokens[k]
  const skipSpace = (k: number) => { while (at(k)?.kind === 'space') k++; return k }
  const isName = (t: Token | undefined) => t !== undefined && (t.kind === 'word' || t.kind === 'ident')
  i = skipSpace(i)
  if (!isName(at(i))) return start
  i++
  if (at(i)?.text === '.' && isName(at(i + 1))) i += 2
  for (;;) {
    const j = skipSpace(i)
    const t = at(j)
    if (t?.text === '(' || t?.text === '[') {
      const close = t.text === '(' ? ')' : ']'
      let k = j + 1
      while (k < tokens.length && tokens[k]!.text !== close) k++
      i = k + 1
      continue
    }
    if (t?.kind === 'word' && TYPE_CONTINUATIONS.has(t.text.toLowerCase())) { i = j + 1; continue }
    return i
  }
}

/** Whether the parentheses at both ends enclose the whole expression. */
function wrapped (tokens: readonly Token[]): boolean {
  if (tokens[0]?.text !== '(' || tokens[tokens.length - 1]?.text !== ')') return false
  let depth = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind !== 'punct') continue
    if (t.text === '(') depth++
    if (t.text === ')') depth--
    if (depth === 0 && i < tokens.length - 1) return false
  }
  return true
}

// Thousands of columns share a handful of defaults (`now()`, `false`, `'[]'::json`), round after round.
const CACHE_LIMIT = 50_000
const caches = { plain: new Map<string, string>(), boolean: new Map<string, string>() }

/** The comparable form of a default expression: no casts, no redundant parentheses or spaces, keywords lowercased. */
export function canonicalDefault (expr: string, type?: PgType): string {
  const boolean = type?.name === 'boolean' && !type.array
  const cache = boolean ? caches.boolean : caches.plain
  let out = cache.get(expr)
  if (out === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(expr, out = canonical(expr, boolean))
  }
  return out
}

function canonical (expr: string, boolean: boolean): string {
  const lexed = lex(expr.trim())
  let tokens: Token[] = []
  for (let i = 0; i < lexed.length; i++) {
    if (lexed[i]!.kind === 'cast') {
      i = skipType(lexed, i + 1) - 1
      continue
    }
    tokens.push(lexed[i]!)
  }
  // A space matters only between two words or literals (`'a' || 'b'` vs `'a'||'b'` are the same).
  const dense: Token[] = []
  tokens.forEach((t, i) => {
    if (t.kind !== 'space') { dense.push(t.kind === 'word' ? { kind: 'word', text: t.text.toLowerCase() } : t); return }
    const before = dense[dense.length - 1]
    const after = tokens.slice(i + 1).find((x) => x.kind !== 'space')
    if (before !== undefined && after !== undefined && before.kind !== 'punct' && after.kind !== 'punct') dense.push({ kind: 'space', text: ' ' })
  })
  tokens = dense
  while (wrapped(tokens)) tokens = tokens.slice(1, -1)
  const only = tokens.length === 1 ? tokens[0]! : undefined
  if (only !== undefined && (only.kind === 'literal' || only.kind === 'word')) {
    // A quoted constant and a bare one are the same default: `'0'` = `0`, `'f'` = `false` for booleans.
    const value = only.kind === 'literal' && only.text.startsWith("'") ? only.text.slice(1, -1).replace(/''/g, "'") : only.text
    if (NUMBER.test(value)) return value
    if (boolean) {
      if (TRUE_WORDS.has(value.toLowerCase())) return 'true'
      if (FALSE_WORDS.has(value.toLowerCase())) return 'false'
    }
  }
  if (tokens.length === 2 && tokens[0]!.text === '-' && tokens[1]!.kind === 'word' && NUMBER.test(tokens[1]!.text)) return `-${tokens[1]!.text}`
  return tokens.map((t) => t.text).join('')
}

/** Whether two default expressions mean the same, ignoring the casts PostgreSQL adds. */
export function defaultsMatch (expected: string, actual: string, type?: PgType): boolean {
  return canonicalDefault(expected, type) === canonicalDefault(actual, type)
}

/** A nextval() default: what `serial` means. */
export function isSequenceDefault (expr: string): boolean {
  return /^nextval\('(?:[^']|'')+'\)$/.test(canonicalDefault(expr))
}
