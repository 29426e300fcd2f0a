// Prometheus text exposition of metric families: the one formatter, shared by the round-level
// metrics and the families each check brings (src/checks/). Pure.

export const PREFIX = 'schema_sentinel_'

export type Labels = Readonly<Record<string, string>>
export interface Sample { readonly labels?: Labels, readonly value: number }

export interface MetricFamily {
  /** Without the prefix: `drift_findings` is exposed as `schema_sentinel_drift_findings`. */
  readonly name: string
  readonly type: 'gauge' | 'counter'
  readonly help: string
  readonly samples: readonly Sample[]
}

function escapeLabel (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

export function exposition (f: MetricFamily): string {
  const lines = [`# HELP ${PREFIX}${f.name} ${f.help}`, `# TYPE ${PREFIX}${f.name} ${f.type}`]
  for (const s of f.samples) {
    const labels = s.labels === undefined
      ? ''
      : `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
    lines.push(`${PREFIX}${f.name}${labels} ${Number.isFinite(s.value) ? s.value : 0}`)
  }
  return lines.join('\n') + '\n'
}
