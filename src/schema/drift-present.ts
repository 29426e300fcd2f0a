// How drift findings are shown, as pure functions the renderers call: grouped by table and by
// enum type, in the order the diff sorted them.
import type { Finding } from './findings.js'

export interface FindingGroup {
  /** `table` for table findings, `enum` for enum type findings. */
  readonly subject: 'table' | 'enum'
  /** Schema-qualified table or type name. */
  readonly name: string
  /** How the group is headed: `public.pdfs`, `enum public.pdf_status`. */
  readonly heading: string
  readonly findings: readonly Finding[]
}

export function findingGroups (findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, { subject: 'table' | 'enum', name: string, findings: Finding[] }>()
  for (const f of findings) {
    const subject = f.table !== undefined ? 'table' : 'enum'
    const name = f.table ?? f.type ?? ''
    const key = `${subject}\u0000${name}`
    let group = groups.get(key)
    if (group === undefined) groups.set(key, group = { subject, name, findings: [] })
    group.findings.push(f)
  }
  return [...groups.values()].map((g) => ({ ...g, heading: g.subject === 'enum' ? `enum ${g.name}` : g.name }))
}

/** The object a finding is about inside its group: a column, a constraint or index, a label. */
export function findingObject (f: Finding): string | undefined {
  if (f.column !== undefined) return f.column
  if (f.value !== undefined) return f.value
  if (f.role !== undefined) return `${f.role}: ${(f.privileges ?? []).join(', ')}`
  if (f.name !== undefined) return f.name
  if (f.columns !== undefined) return `(${f.columns.join(', ')})`
  return undefined
}

/** Text lines for the CLI: a heading per table or enum type, then one line per finding. */
export function findingLines (findings: readonly Finding[], indent = '        '): string[] {
  const lines: string[] = []
  for (const group of findingGroups(findings)) {
    lines.push(`${indent}${group.heading}`)
    for (const f of group.findings) lines.push(`${indent}  ${f.severity.padEnd(4)}  ${f.kind.padEnd(20)}  ${f.message}`, ...fixLines(f, indent))
  }
  return lines
}

/** The fix under its finding: `fix: ` and the SQL, a line each. */
function fixLines (f: Finding, indent: string): string[] {
  return f.fix === undefined ? [] : f.fix.sql.split('\n').map((l, i) => `${indent}        ${i === 0 ? 'fix: ' : '     '}${l}`)
}
