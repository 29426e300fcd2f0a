// Small scans over the tokens of one logical line, each a single pass: matching brackets,
// the first top-level operator, keyword arguments of a call, the SQL strings of an execute.
import type { Token } from './python-tokens.js'

const OPENERS = new Set(['(', '[', '{'])
/** Longest detail shown for an operation (a call or a SQL statement). */
const DETAIL = 120

/** For each opening bracket, the index of its closing one (an unclosed one maps to nothing). */
export function brackets (t: readonly Token[]): Array<number | undefined> {
  const match: Array<number | undefined> = []
  const open: number[] = []
  t.forEach((x, i) => {
    if (x.kind !== 'op') return
    if (OPENERS.has(x.text)) open.push(i)
    else if (x.text === ')' || x.text === ']' || x.text === '}') {
      const o = open.pop()
      if (o !== undefined) match[o] = i
    }
  })
  return match
}

/** Index of the first `op` token at bracket depth 0 from `from`, or -1. */
export function topLevel (t: readonly Token[], op: string, from: number): number {
  let depth = 0
  for (let i = from; i < t.length; i++) {
    const x = t[i]!
    if (x.kind !== 'op') continue
    if (OPENERS.has(x.text)) depth++
    else if (x.text === ')' || x.text === ']' || x.text === '}') depth--
    else if (depth === 0 && x.text === op) return i
  }
  return -1
}

/** keyword=first-token-of-value for the arguments directly inside t[open]…t[close]. */
export function keywordArguments (t: readonly Token[], open: number, close: number): Map<string, string> {
  const out = new Map<string, string>()
  let depth = 0
  for (let i = open + 1; i < close; i++) {
    const x = t[i]!
    if (x.kind === 'op' && OPENERS.has(x.text)) depth++
    else if (x.kind === 'op' && (x.text === ')' || x.text === ']' || x.text === '}')) depth--
    else if (depth === 0 && x.kind === 'name' && t[i + 1]?.text === '=' && (t[i - 1]?.text === ',' || i === open + 1)) out.set(x.text, t[i + 2]?.text ?? '')
  }
  return out
}

/** The string literals of the first argument from `from` (sa.text("…") included): adjacent ones joined, others on separate lines. */
export function stringsOf (t: readonly Token[], from: number, to: number): string {
  let out = ''
  let depth = 0
  for (let i = from; i < to; i++) {
    const x = t[i]!
    if (x.kind === 'op') {
      if (OPENERS.has(x.text)) depth++
      else if (x.text === ')' || x.text === ']' || x.text === '}') depth--
      else if (x.text === ',' && depth === 0) break // the parameters that follow are not SQL
    }
    if (x.kind !== 'string') continue
    if (i > from && t[i - 1]!.kind !== 'string') out += '\n'
    out += x.value ?? ''
  }
  return out
}

export function render (t: readonly Token[], from: number, to: number): string {
  let out = ''
  for (let i = from; i < to && out.length <= DETAIL; i++) {
    const x = t[i]!
    const prev = t[i - 1]
    if (i > from && (prev?.text === ',' || (prev?.kind !== 'op' && x.kind !== 'op'))) out += ' '
    out += x.text
  }
  return out
}

export function shorten (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > DETAIL ? `${flat.slice(0, DETAIL - 1)}…` : flat
}
