// Report -> the status page for people: one self-contained HTML document, no scripts, no
// external assets. Pure; every value from the Report or the database passes through `esc`.
import { checkStatus, overallStatus, summary, type AlembicFacts, type CheckResult, type DriftFacts, type Finding, type Report, type Status } from '../report.js'
import { exposureHtml } from '../security/present.js'
import { NO_ROUND_OUTPUT } from './health.js'

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8'

export interface HtmlOptions {
  readonly version: string
  readonly releaseId?: string
  /** Show checks, findings and revisions (no token configured, or the right one given). */
  readonly details: boolean
  /** A token was given and it was wrong. */
  readonly tokenRejected?: boolean
}

export interface RenderedPage {
  readonly statusCode: 200 | 503
  readonly html: string
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function esc (value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}.status{display:inline-block;padding:.1em .6em;border-radius:.3em;font-weight:bold;color:#fff}
.pass{background:#1a7f37}.warn{background:#9a6700}.fail{background:#cf222e}.info{background:#57606a}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de;vertical-align:top}
code{font-family:ui-monospace,monospace}.muted{color:#57606a}.num{white-space:nowrap}`

export function renderHtml (report: Report | undefined, opts: HtmlOptions): RenderedPage {
  const status: Status = report === undefined ? 'fail' : overallStatus(report, 'health')
  const parts = [`<h1>schema-sentinel: ${badge(status)}</h1>`, meta(report, opts)]
  if (!opts.details) {
    parts.push(tokenForm(opts.tokenRejected === true))
  } else if (report === undefined) {
    parts.push(`<p>${esc(NO_ROUND_OUTPUT)}</p>`)
  } else {
    const output = summary(report, 'health')
    if (output !== undefined) parts.push(`<p id="summary"><strong>${esc(output)}</strong></p>`)
    parts.push(checksTable(report.checks))
    // Tables anyone with the anon key can read come before everything else.
    const exposure = report.checks.find((c) => c.exposure !== undefined)?.exposure
    if (exposure !== undefined) parts.push(exposureHtml(exposure, { esc, badge }))
    const alembic = report.checks.find((c) => c.alembic !== undefined)?.alembic
    if (alembic !== undefined) parts.push(alembicSection(alembic))
    const drift = report.checks.find((c) => c.drift !== undefined)?.drift
    if (drift !== undefined) parts.push(driftSection(drift))
  }
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>schema-sentinel: ${status.toUpperCase()}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`
  return { statusCode: status === 'fail' ? 503 : 200, html }
}

function badge (status: Status | 'info'): string {
  return `<span class="status ${status}">${status.toUpperCase()}</span>`
}

function meta (report: Report | undefined, opts: HtmlOptions): string {
  const release = opts.releaseId !== undefined ? `, release <code>${esc(opts.releaseId)}</code>` : ''
  const round = report === undefined
    ? 'No check round has finished yet.'
    : `Last round finished <time datetime="${esc(iso(report.finishedAt))}">${esc(iso(report.finishedAt))}</time> ` +
      `and took ${Math.round(report.finishedAt - report.startedAt)} ms.`
  return `<p class="muted">Version ${esc(opts.version)}${release}. ${round}</p>`
}

function tokenForm (rejected: boolean): string {
  return `<section id="token">
<h2>Details need the health token</h2>
${rejected ? '<p><strong>That token was not accepted.</strong></p>\n' : ''}<p>This service has a <code>HEALTH_TOKEN</code>. Send it as <code>Authorization: Bearer &lt;token&gt;</code>,
or enter it here: the page keeps it in a cookie for this site only.</p>
<form method="post" action="/">
<label for="token-input">Health token</label>
<input id="token-input" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Show details</button>
</form>
</section>`
}

function checksTable (checks: readonly CheckResult[]): string {
  const rows = checks.map((c) => {
    const s = checkStatus(c, 'health')
    return `<tr data-check="${esc(c.name)}"><td><code>${esc(c.name)}</code></td><td>${badge(s)}</td><td>${esc(describe(c))}</td><td class="num">${c.durationMs.toFixed(1)} ms</td></tr>`
  })
  return `<section id="checks">
<h2>Checks</h2>
<table><thead><tr><th>Check</th><th>Status</th><th>Result</th><th>Took</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>`
}

function describe (c: CheckResult): string {
  if (c.output !== undefined) return c.output
  if (c.alembic !== undefined) return `state ${c.alembic.state}`
  if (c.drift !== undefined) return `${c.drift.findings.length} findings`
  if (c.observedValue !== undefined) return `${c.observedValue} ${c.observedUnit ?? ''}`.trim()
  return ''
}

function revisions (list: readonly string[], none: string): string {
  return list.length === 0 ? `<span class="muted">${esc(none)}</span>` : list.map((r) => `<code>${esc(r)}</code>`).join(', ')
}

function alembicSection (a: AlembicFacts): string {
  const rows = [
    ['State', `<strong id="alembic-state">${esc(a.state)}</strong>`],
    ['Database', revisions(a.database, a.tableExists ? '(empty version table)' : '(no version table)')],
    ['Expected', revisions(a.expected, '(not configured)') + (a.expectedSource !== undefined ? ` <span class="muted">from ${esc(a.expectedSource)}</span>` : '')],
    ['Pending migrations', `<span id="alembic-pending">${esc(a.pending ?? 0)}</span>`]
  ]
  if (a.multipleHeads === true) rows.push(['Heads', 'several heads without a merge: <code>alembic upgrade head</code> would refuse them'])
  return `<section id="alembic">
<h2>Alembic migration state</h2>
<table><tbody>
${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}
</tbody></table>
</section>`
}

function driftSection (d: DriftFacts): string {
  const compared = `<p class="muted">${esc(d.tablesCompared)} tables and ${esc(d.columnsCompared)} columns compared.</p>`
  if (d.findings.length === 0) return `<section id="drift">\n<h2>Schema drift</h2>\n<p>No drift found.</p>\n${compared}\n</section>`
  const groups = new Map<string, Finding[]>()
  for (const f of d.findings) groups.set(f.table, [...(groups.get(f.table) ?? []), f])
  const tables = [...groups].map(([table, findings]) => `<h3><code>${esc(table)}</code></h3>
<table><thead><tr><th>Severity</th><th>Kind</th><th>Column</th><th>Finding</th></tr></thead>
<tbody>
${findings.map(findingRow).join('\n')}
</tbody></table>`)
  return `<section id="drift">
<h2>Schema drift: ${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}</h2>
${compared}
${tables.join('\n')}
</section>`
}

function findingRow (f: Finding): string {
  const column = f.column !== undefined ? `<code>${esc(f.column)}</code>` : ''
  return `<tr data-kind="${esc(f.kind)}"><td>${badge(f.severity)}</td><td>${esc(f.kind)}</td><td>${column}</td><td>${esc(f.message)}</td></tr>`
}

function iso (ms: number): string {
  return new Date(ms).toISOString()
}
