// `npm run bench`: starts its own PostgreSQL, measures each target beside its point of
// comparison in the same run, and prints one table. `--results FILE` also writes it as Markdown;
// `--only http,catalog,memory,startup` runs some parts.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startPostgres } from '../dev/embedded-postgres.js'
import { buildPackage, type Build } from './build.js'
import { warnDrifts } from './big-schema.js'
import { benchCatalog, prepareCatalogDb } from './catalog.js'
import { benchHttp } from './http.js'
import { describeMachine, loadAverage, machineLines } from './machine.js'
import { benchMemory } from './memory.js'
import { benchStartup, benchStartupWithManifest } from './startup.js'
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
for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: unknown part "${p}" (expected ${PARTS.join(', ')})`)
const wanted = (p: Part): boolean => only.has(p)

const log = (text: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`) }

const started = performance.now()
const loadBefore = loadAverage()
log(`load average before: ${loadBefore}`)
// Autovacuum off: its workers' transactions would blur the per-database counters of part 2,
// and it would vacuum the big catalogs of part 3 in the middle of a measurement (part 3 runs
// VACUUM ANALYZE on them itself). pg_stat_statements counts part 2's statements.
const pg = await startPostgres({ settings: { autovacuum: 'off', max_connections: '100', shared_preload_libraries: 'pg_stat_statements' } })
const rows: Row[] = []
const sections: Section[] = []
const add = (r: PartResult): void => { rows.push(...r.rows); sections.push(...r.sections) }
let postgresVersion = ''
try {
  postgresVersion = String((await pg.query<{ v: string }>('SELECT version() AS v'))[0]?.v).replace(/ on .*$/, '')
  await pg.query('CREATE EXTENSION pg_stat_statements')
  // The service's everyday database: 20 tables, its manifest, and drifts that only warn
  // (so /health and /health/schema answer 200, with findings in the details).
  const small = await prepareCatalogDb(pg, 20, 'bench_http', warnDrifts(20))
  let build: Build = { ms: 0, problem: 'not built' }
  if (wanted('startup') || wanted('memory') || wanted('http')) {
    log('building into a temporary directory')
    build = buildPackage()
    if (build.problem !== undefined) log(`tsc: ${build.problem}`)
  }
  if (wanted('startup')) {
    log('part 5: start-up')
    add(await benchStartup({ small, build, runs: 5 }))
  }
  if (wanted('http')) {
    log('parts 1-2: HTTP and database load')
    add(await benchHttp({ db: small, statsUrl: pg.url(), durationS: 3, reps: 5, build }))
  }
  if (wanted('catalog') || wanted('memory')) {
    log('part 3: creating 500 and 5,000 tables x 20 columns')
    const s500 = await prepareCatalogDb(pg, 500)
    const s5000 = await prepareCatalogDb(pg, 5000)
    log(`created in ${Math.round(s500.createMs + s5000.createMs)} ms`)
    if (wanted('catalog')) add(await benchCatalog(s500, s5000))
    if (wanted('memory')) {
      log('part 4: memory')
      add(await benchMemory({ build, small, big: s5000 }))
    }
    if (wanted('startup')) add(await benchStartupWithManifest(build, s5000))
  }
} finally {
  await pg.destroy()
}

const machine = describeMachine(postgresVersion)
const elapsed = (performance.now() - started) / 1000
const summary = summaryTable(rows)
process.stdout.write(`\n${summary}\n${sections.map(sectionText).join('\n')}\n`)
log(`done in ${elapsed.toFixed(0)} s; load average after: ${loadAverage()}`)

if (values.results !== undefined) {
  const text = [
    '# schema-sentinel benchmark results',
    '',
    `One run of \`npm run bench\` on a shared 2-core VM (other engineers were running tests on it, so treat single figures as indicative; the ratios compare things measured side by side in the same run).`,
    '',
    ...machineLines(machine).map((l) => `- ${l}`),
    `- load average before / after: ${loadBefore} / ${loadAverage()}; whole run ${elapsed.toFixed(0)} s`,
    '',
    '## Summary',
    '',
    summary,
    '## Details',
    '',
    sections.map(sectionText).join('\n')
  ].join('\n')
  writeFileSync(values.results, text)
  log(`wrote ${values.results}`)
}
