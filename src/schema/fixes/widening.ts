// Which type changes keep every value exactly: only those become ALTER COLUMN ... TYPE
// statements. Anything that could narrow, round or reinterpret (timestamp -> timestamptz,
// json -> jsonb, char(n) -> text, which drops trailing blanks) stays a comment for a person.
import type { PgType } from '../pg-type.js'

const INTEGER_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 }
/** Decimal digits each integer type needs in a numeric(p, 0). */
const INTEGER_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 }
const VARYING = new Set(['character varying', 'bit varying'])
const PRECISION = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone'])

const num = (m: readonly string[] | undefined, i: number) => Number(m?.[i])

export function isWidening (from: PgType, to: PgType): boolean {
  if (from.array !== to.array || from.schema !== undefined || to.schema !== undefined) return false
  const a = from.name
  const b = to.name
  if (a === b) return widerModifiers(a, from.modifiers, to.modifiers)
  if (a in INTEGER_RANK && b in INTEGER_RANK) return INTEGER_RANK[a]! < INTEGER_RANK[b]!
  if (a in INTEGER_RANK && b === 'numeric') {
    return to.modifiers === undefined || (num(to.modifiers, 1) === 0 && num(to.modifiers, 0) >= INTEGER_DIGITS[a]!)
  }
  // Exact in binary floating point: 16-bit integers in real, 32-bit ones and reals in double.
  if (b === 'real') return a === 'smallint'
  if (b === 'double precision') return a === 'smallint' || a === 'integer' || a === 'real'
  if (a === 'character varying' && b === 'text') return true
  if (a === 'text' && b === 'character varying') return to.modifiers === undefined
  return false
}

function widerModifiers (name: string, from: readonly string[] | undefined, to: readonly string[] | undefined): boolean {
  if (to === undefined) return from !== undefined && (VARYING.has(name) || name === 'numeric' || PRECISION.has(name))
  if (from === undefined) return false
  if (VARYING.has(name) || name === 'character') return num(to, 0) >= num(from, 0)
  if (PRECISION.has(name)) return num(to, 0) >= num(from, 0)
  if (name === 'numeric') {
    // numeric(p, s) holds p - s digits before the point and s after.
    return num(to, 1) >= num(from, 1) && num(to, 0) - num(to, 1) >= num(from, 0) - num(from, 1)
  }
  return false
}
