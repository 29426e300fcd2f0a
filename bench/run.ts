// `npm run bench`: starts its own PostgreSQL, measures each target beside its point of
// comparison in the same run, and prints one table. `--results FILE` also writes it as Markdown;
// `--only http,catalog,memory,startup` runs some parts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startPostgres } from '../dev/embedded-postgres.js'
import { buildPackage, type Build } from './build.js'
import { warnDrifts } from './big-schema.js'
import { benchCatalog, prepareCatalogDb } from './catalog.js'
import { benchHttp } from './http.js'
import { describeMachine, loadAverage } from './machine.js'
import { benchMemory } from './memory.js'
import { benchStartup, benchStartupWithManifest } from './startup.js'
import { resultsMarkdown } from './results.js'
import { sectionText, summaryTable, type PartResult, type Row, type Section } from './table.js'

const PARTS = ['startup', 'http', 'catalog', 'memory'] as const
type Part = typeof PARTS[number]

const { values } = parseArgs({
  options: {
    results: { type: 'string' },
    only: { type: 'string' }
  }
})
const only = new Set((values.only ?? PARTS.join(',')).split(',').map((s) => s.trim()))
for (const p of only) {
  if (!(PARTS as readonly string[]).includes(p)) {
    process.stderr.write(`bench: --only: unknown part "${p}" (expected ${PARTS.join(', ')})\n`)
    process.exit(2)
  }
}
const wanted = (p: Part): boolean => only.has(p)

const log = (text: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`) }

const started = performance.now()
const loadBefore = loadAverage()
log(`load average before: ${loadBefore}`)
// Autovacuum off: its workers' transactions would blur the per-database counters of part 2,
// and it would vacuum the big catalogs of part 3 in the middle of a measurement (part 3 runs
// VACUUM ANALYZE on them itself). pg_stat_statements counts part 2's statements.
const work = mkdtempSync(join(tmpdir(), 'sentinel-bench-')) // manifests and the build; removed at the end
const pg = await startPostgres({ settings: { autovacuum: 'off', max_connections: '100', shared_preload_libraries: 'pg_stat_statements' } })
// Printed in the order of the targets, whatever order they ran in.
const results = new Map<Part, PartResult[]>(PARTS.map((p) => [p, []]))
const add = (part: Part, r: PartResult): void => { results.get(part)!.push(r) }
let postgresVersion = ''
try {
  postgresVersion = String((await pg.query<{ v: string }>('SELECT version() AS v'))[0]?.v).replace(/ on .*$/, '')
  await pg.query('CREATE EXTENSION pg_stat_statements')
  // The service's everyday database: 20 tables, its manifest, and drifts that only warn
  // (so /health and /health/schema answer 200, with findings in the details).
  const small = await prepareCatalogDb(pg, 20, 'bench_http', warnDrifts(20), work)
  let build: Build = { ms: 0, problem: 'not built' }
  if (wanted('startup') || wanted('memory') || wanted('http')) {
    log('building into a temporary directory')
    build = buildPackage(work)
    if (build.problem !== undefined) log(`tsc: ${build.problem}`)
  }
  if (wanted('startup')) {
    log('start-up (target 5)')
    add('startup', await benchStartup({ small, build, runs: 5 }))
  }
  if (wanted('http')) {
    log('HTTP and database load (targets 1 and 2)')
    add('http', await benchHttp({ db: small, statsUrl: pg.url(), durationS: 2, reps: 11, build }))
  }
  if (wanted('catalog') || wanted('memory')) {
    log('creating 500 and 5,000 tables x 20 columns')
    const s500 = await prepareCatalogDb(pg, 500, undefined, undefined, work)
    const s5000 = await prepareCatalogDb(pg, 5000, undefined, undefined, work)
    log(`created in ${Math.round(s500.createMs + s5000.createMs)} ms`)
    if (wanted('catalog')) {
      log('catalog scale (target 3)')
      add('catalog', await benchCatalog(s500, s5000))
    }
    if (wanted('memory')) {
      log('memory (target 4)')
      add('memory', await benchMemory({ build, small, big: s5000 }))
    }
    if (wanted('startup')) add('startup', await benchStartupWithManifest(build, s5000))
  }
} finally {
  await pg.destroy()
  rmSync(work, { recursive: true, force: true })
}

const ordered = (['http', 'catalog', 'memory', 'startup'] as const).flatMap((p) => results.get(p)!)
const rows: Row[] = ordered.flatMap((r) => r.rows)
const sections: Section[] = ordered.flatMap((r) => r.sections)
const machine = describeMachine(postgresVersion)
const elapsed = (performance.now() - started) / 1000
const summary = summaryTable(rows)
process.stdout.write(`\n${summary}\n${sections.map(sectionText).join('\n')}\n`)
log(`done in ${elapsed.toFixed(0)} s; load average after: ${loadAverage()}`)

if (values.results !== undefined) {
  writeFileSync(values.results, resultsMarkdown(rows, sections, { machine, loadBefore, loadAfter: loadAverage(), elapsedS: elapsed }))
  log(`wrote ${values.results}`)
}
