// Report -> the status page for people: one self-contained HTML document, no scripts, no
// external assets. Pure; every value from the Report or the database passes through `esc`.
// The page and the table of checks are here; each check adds its own section (Presentation.htmlSection).
import { CHECKS } from '../checks/index.js'
import type { Registry } from '../checks/check.js'
import { checkStatus, overallStatus, summary, type CheckResult, type Report, type Status } from '../report.js'
import { badge, esc } from './html-escape.js'
import { NO_ROUND_OUTPUT } from './health.js'

export { esc } from './html-escape.js'

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

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}.status{display:inline-block;padding:.1em .6em;border-radius:.3em;font-weight:bold;color:#fff}
.pass{background:#1a7f37}.warn{background:#9a6700}.fail{background:#cf222e}.info{background:#57606a}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de;vertical-align:top}
code{font-family:ui-monospace,monospace}.notice{border-left:.3em solid #9a6700;padding:.3em .8em;background:#fff8c5}.muted{color:#57606a}.num{white-space:nowrap}.fix{margin:.3em 0 0;white-space:pre-wrap}`

export function renderHtml (report: Report | undefined, opts: HtmlOptions, checks: Registry = CHECKS): RenderedPage {
  const status: Status = report === undefined ? 'fail' : overallStatus(report, 'health')
  const parts = [`<h1>schema-sentinel: ${badge(status)}</h1>`, meta(report, opts)]
  if (!opts.details) {
    parts.push(tokenForm(opts.tokenRejected === true))
  } else if (report === undefined) {
    parts.push(`<p>${esc(NO_ROUND_OUTPUT)}</p>`)
  } else {
    const output = summary(report, 'health')
    if (output !== undefined) parts.push(`<p id="summary"><strong>${esc(output)}</strong></p>`)
    // Only with details: a notice says what the sentinel can do, which is no one else's business.
    for (const check of checks) {
      const facts = report.checks.find((r) => r.name === check.name)?.facts
      const notice = facts === undefined ? undefined : check.notice?.(facts)
      if (notice !== undefined) parts.push(`<p id="${esc(notice.id)}" class="notice"><strong>Warning:</strong> ${esc(notice.text)}</p>`)
    }
    parts.push(checksTable(report.checks, checks))
    // Array.prototype.sort is stable: equal htmlOrder keeps registry order.
    for (const check of [...checks].sort((a, b) => (a.htmlOrder ?? 0) - (b.htmlOrder ?? 0))) {
      const facts = report.checks.find((r) => r.name === check.name)?.facts
      if (facts !== undefined && check.htmlSection !== undefined) parts.push(check.htmlSection(facts))
    }
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

function meta (report: Report | undefined, opts: HtmlOptions): string {
  const release = opts.releaseId !== undefined ? `, release <code>${esc(opts.releaseId)}</code>` : ''
  const round = report === undefined
    ? 'No check round has finished yet.'
    : `Last round finished <time datetime="${esc(iso(report.finishedAt))}">${esc(iso(report.finishedAt))}</time> ` +
      `and took ${Math.round(report.finishedAt - report.startedAt)} ms.`
  return `<p class="muted">Version ${esc(opts.version)}${release}. ${round}${expectationLine(report)}</p>`
}

function expectationLine (report: Report | undefined): string {
  const e = report?.expectation
  if (e === undefined) return ''
  const since = `<time datetime="${esc(iso(e.since))}">${esc(iso(e.since))}</time>`
  if (e.source === 'file') return ` Expectation: the files baked into this service, since ${since}.`
  const release = e.release !== undefined ? ` by release <code>${esc(e.release)}</code>` : ''
  return ` Expectation: posted${release} since ${since}; after a restart the baked-in files apply again until the next deploy posts.`
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

function checksTable (results: readonly CheckResult[], checks: Registry): string {
  const rows = results.map((c) => {
    const s = checkStatus(c, 'health')
    return `<tr data-check="${esc(c.name)}"><td><code>${esc(c.name)}</code></td><td>${badge(s)}</td><td>${esc(describe(c, checks))}</td><td class="num">${c.durationMs.toFixed(1)} ms</td></tr>`
  })
  return `<section id="checks">
<h2>Checks</h2>
<table><thead><tr><th>Check</th><th>Status</th><th>Result</th><th>Took</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>`
}

function describe (c: CheckResult, checks: Registry): string {
  if (c.output !== undefined) return c.output
  const own = c.facts === undefined ? undefined : checks.find((check) => check.name === c.name)?.htmlSummary?.(c.facts)
  if (own !== undefined) return own
  if (c.observedValue !== undefined) return `${c.observedValue} ${c.observedUnit ?? ''}`.trim()
  return ''
}

function iso (ms: number): string {
  return new Date(ms).toISOString()
}
