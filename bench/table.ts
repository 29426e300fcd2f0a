// The bench's output: one summary row per target, plus a detail table per part.

export type Verdict = 'PASS' | 'MISS' | 'info'

export interface Row {
  readonly metric: string
  readonly measured: string
  readonly target: string
  readonly ratio: string
  readonly verdict: Verdict
}

export interface Section {
  readonly title: string
  readonly headers: readonly string[]
  readonly rows: ReadonlyArray<readonly string[]>
  readonly notes: readonly string[]
}

export interface PartResult {
  readonly rows: readonly Row[]
  readonly sections: readonly Section[]
}

/** A summary row with a target. `ratio` is the share of the target used (<= 1 meets it); NaN prints nothing. */
export function targetRow (metric: string, measured: string, target: string, ratio: number, pass: boolean): Row {
  return { metric, measured, target, ratio: Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}x`, verdict: pass ? 'PASS' : 'MISS' }
}

export function infoRow (metric: string, measured: string, ratio = ''): Row {
  return { metric, measured, target: '', ratio, verdict: 'info' }
}

export function markdownTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') + '\n'
}

export function summaryTable (rows: readonly Row[]): string {
  return markdownTable(['metric', 'measured', 'target', 'ratio', 'PASS/MISS'],
    rows.map((r) => [r.metric, r.measured, r.target, r.ratio, r.verdict === 'info' ? '' : r.verdict]))
}

export function sectionText (s: Section): string {
  const notes = s.notes.map((n) => `- ${n}`).join('\n')
  return `### ${s.title}\n\n${markdownTable(s.headers, s.rows)}${notes ? `\n${notes}\n` : ''}`
}

export const fmt = {
  ms: (n: number): string => n >= 100 ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`,
  rps: (n: number): string => `${Math.round(n).toLocaleString('en-US')} req/s`,
  mb: (kb: number): string => `${(kb / 1024).toFixed(1)} MB`,
  x: (n: number): string => `${n.toFixed(2)}x`,
  int: (n: number): string => Math.round(n).toLocaleString('en-US')
}

export function median (values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function mean (values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}
