// Constants and AND/OR chains in the canonical form the expression parser prints.

export const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** `a AND (b AND c)` and `(a AND b) AND c` print alike: one flat chain. */
export function flatten (op: 'and' | 'or', l: string, r: string): string {
  const strip = (s: string) => s.startsWith(`(${op}: `) ? s.slice(op.length + 3, -1) : s
  return `(${op}: ${strip(l)} ; ${strip(r)})`
}

/** `007` → `7`, `.50` → `0.50`, `-0` → `0`; the scale of a decimal is kept (PostgreSQL keeps it too). */
export function number (text: string): string {
  const m = /^([+-]?)(\d*)(\.\d*)?$/.exec(text)
  if (m === null) return text.toLowerCase()
  const whole = BigInt(`${m[1]}${m[2] === '' ? '0' : m[2]}`)
  const fraction = m[3] === '.' ? '' : m[3] ?? ''
  return `${whole === 0n && m[1] === '-' && fraction !== '' ? '-' : ''}${whole}${fraction}`
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/

export function literal (value: string): string {
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
