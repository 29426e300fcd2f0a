// `diff --from SOURCE --to SOURCE`: what --to lacks or has differently from --from (staging vs
// production, a snapshot vs today), with the fix of each finding. Exit 0 when nothing above info
// differs, 1 when something does; anything that stops the comparison is a SentinelError (exit 2).
import { randomUUID } from 'node:crypto'
import { loadVersions } from '../alembic/load.js'
import { driftOutcome } from '../checks/schema-drift.js'
import type { Config } from '../config.js'
import { escapeControls } from '../render/escape.js'
import { renderCheck } from '../render/health.js'
import type { CheckResult } from '../report.js'
import type { DriftFacts } from '../schema/findings.js'
import { SUPABASE_SCHEMAS, type CatalogSnapshot } from '../schema/catalog.js'
import type { CatalogSecurity } from '../schema/catalog-security.js'
import { SchemaDiff, schemasToRead, type DiffOptions } from '../schema/diff.js'
import { compareSecurity } from '../schema/diff-security.js'
import { attachFixes, fixContext } from '../schema/fixes/registry.js'
import { alembicRevision, sqlScript } from '../schema/fixes/script.js'
import type { ExpectedSchema } from '../expectation.js'
import { catalogAsExpected, describeSource, parseSource, readDatabaseSource, readManifestSource, type Source } from './diff-sources.js'
import { isUnknown, manifestAsCatalog, type Unknown } from './manifest-as-catalog.js'
import { isUnknownSecurity, manifestAsSecurity, type UnknownSecurity } from './manifest-as-security.js'

export type DiffFormat = 'text' | 'json' | 'sql' | 'alembic'
export const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'json', 'sql', 'alembic']

export interface DiffRun {
  readonly exitCode: 0 | 1
  readonly stdout: string
  readonly drift: DriftFacts
}

export async function runDiff (config: Config, from: string, to: string, format: DiffFormat, now: Date = new Date()): Promise<DiffRun> {
  const sources = { from: parseSource('--from', from), to: parseSource('--to', to) }
  // A broken versions directory stops us before any database is touched.
  const graph = format === 'alembic' ? (await loadVersions({ configFile: config.alembicConfig, versionsDirs: config.alembicVersionsDirs }))?.graph : undefined
  const opts: DiffOptions = {
    schemas: config.schemas,
    severity: config.driftSeverity,
    alembicVersionTable: config.alembicVersionTable,
    managedSchemas: SUPABASE_SCHEMAS
  }
  const { expected, actual, security, unknown, unknownSecurity } = await readSources(sources.from, sources.to, config, opts)
  // As schema:drift compares: tables, then enums and row-level security, policies and grants.
  const diff = new SchemaDiff(expected, opts)
  const others = [...diff.enums(actual.enums ?? new Map()), ...compareSecurity(expected, security, opts)]
  const facts = diff.facts([...actual.tables.values()].map((live) => diff.table(live)), new Set(actual.tables.keys()), others)
  const ctx = fixContext(expected, config.schemas)
  const findings = attachFixes(facts.findings.filter((f) => !isUnknown(f, unknown) && !isUnknownSecurity(f, unknownSecurity)), ctx)
  const drift: DriftFacts = { ...facts, findings }
  const outcome = driftOutcome(drift)
  const exitCode = outcome.status === 'pass' ? 0 : 1
  const names = { from: describeSource(sources.from), to: describeSource(sources.to) }
  let stdout: string
  switch (format) {
    case 'sql':
      stdout = sqlScript(findings, ctx, names)
      break
    case 'alembic':
      stdout = alembicRevision(findings, ctx, {
        ...names,
        revision: randomUUID().replace(/-/g, '').slice(-12),
        downRevisions: graph?.versionedHeads() ?? [],
        createDate: now
      })
      break
    case 'json': {
      const result: CheckResult = {
        name: 'schema:drift',
        status: outcome.status,
        strictStatus: outcome.status,
        observedValue: findings.length,
        observedUnit: 'findings',
        ...(outcome.output !== undefined ? { output: outcome.output } : {}),
        errored: false,
        durationMs: 0,
        time: now.toISOString(),
        facts: drift
      }
      stdout = JSON.stringify({ ...renderCheck(result, 'schema'), ...names }, null, 2) + '\n'
      break
    }
    default:
      stdout = diffText(drift, outcome.status, names)
  }
  return { exitCode, stdout, drift }
}

interface Sides {
  expected: ExpectedSchema
  actual: CatalogSnapshot
  security: ReadonlyMap<string, CatalogSecurity>
  unknown: Unknown
  unknownSecurity: UnknownSecurity
}

/** Manifests first (a bad file costs no connection), then both databases at once; --from's error wins. */
async function readSources (from: Source, to: Source, config: Config, opts: DiffOptions): Promise<Sides> {
  const fromManifest = from.kind === 'manifest' ? await readManifestSource(from) : undefined
  const toManifest = to.kind === 'manifest' ? await readManifestSource(to) : undefined
  const [fromDb, toDb] = await Promise.allSettled([
    from.kind === 'database' ? readDatabaseSource(from, config, config.schemas) : undefined,
    to.kind === 'database' ? readDatabaseSource(to, config, fromManifest !== undefined ? schemasToRead(fromManifest, opts) : config.schemas) : undefined
  ])
  if (fromDb.status === 'rejected') throw fromDb.reason
  if (toDb.status === 'rejected') throw toDb.reason
  const expected = fromManifest ?? catalogAsExpected(fromDb.value!, from, config)
  if (toDb.value !== undefined) return { expected, actual: toDb.value.catalog, security: toDb.value.security, unknown: new Set(), unknownSecurity: new Set() }
  const { catalog, unknown } = manifestAsCatalog(toManifest!, config.schemas)
  const { security, unknown: unknownSecurity } = manifestAsSecurity(toManifest!, config.schemas)
  return { expected, actual: catalog, security, unknown, unknownSecurity }
}

/** Grouped by table, like `check`, each finding followed by its SQL fix. */
function diffText (drift: DriftFacts, status: string, names: { from: string, to: string }): string {
  const n = drift.findings.length
  const lines = [
    `schema-sentinel diff: ${status.toUpperCase()}, ${n} finding${n === 1 ? '' : 's'} (${drift.tablesCompared} tables, ${drift.columnsCompared} columns compared)`,
    `  from: ${names.from}`,
    `  to:   ${names.to}`
  ]
  let subject: string | undefined
  for (const f of drift.findings) {
    const name = f.table ?? (f as { type?: string }).type ?? ''
    if (name !== subject) lines.push(`        ${subject = name}`)
    lines.push(`          ${f.severity.padEnd(4)}  ${f.kind.padEnd(20)}  ${f.message}`)
    if (f.fix !== undefined) lines.push(...f.fix.sql.split('\n').map((l, i) => `                ${i === 0 ? 'fix: ' : '     '}${l}`))
  }
  return lines.map(escapeControls).join('\n') + '\n'
}
