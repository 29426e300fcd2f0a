// Part 3: the schema:drift check at 500 and 5,000 tables x 20 columns, beside its floor:
// the one raw pg_catalog query that returns every column, run on the same database.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestPostgres } from '../dev/embedded-postgres.js'
import { prepareChecks, type PreparedCheck } from '../src/checks/check.js'
import { CHECKS } from '../src/checks/index.js'
import { runSnapshot } from '../src/commands/snapshot.js'
import { loadConfig } from '../src/config.js'
import { loadExpectation } from '../src/expectation.js'
import { createPool } from '../src/postgres/pool.js'
import { runRound } from '../src/round.js'
import type { DriftFacts } from '../src/schema/findings.js'
import { VERSION } from '../src/version.js'
import { ACCOUNTS_SQL, ANALYZE_CATALOGS_SQL, COLUMNS_PER_TABLE, createTablesSql, plantedDrifts } from './big-schema.js'
import { fmt, infoRow, median, targetRow, type PartResult, type Row, type Section } from './table.js'

/**
 * Every live column, constraint and index of every table in public, with what the check needs to
 * know, written the fastest way we know, one flat row per object: no ORDER BY, the default looked
 * up only where atthasdef (an index probe, not a join with pg_attrdef that spills at 100,000
 * columns) and deparsed without a relation context (relid 0) unless it is a generated column's
 * expression; constraints and indexes with their column numbers as stored (the check turns them
 * into names), check and predicate expressions deparsed, NOT NULL constraint rows (18) left out.
 */
export const FLOOR_SQL = `
SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
       CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END)
                                   FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum) END AS "default",
       NULL::pg_catalog.int2[] AS keys, NULL::text AS extra
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT c.relname, k.conname, k.contype::text, k.convalidated, CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid) END,
       k.conkey, k.confrelid::pg_catalog.regclass::text || ' ' || k.confkey::text || k.confupdtype::text || k.confdeltype::text
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND k.contype IN ('p', 'u', 'f', 'c')
UNION ALL
SELECT c.relname, ic.relname, am.amname, i.indisvalid, pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       i.indkey::pg_catalog.int2[], i.indoption::text || i.indisunique::text
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p')`

export interface CatalogDb {
  readonly tables: number
  readonly database: string
  readonly url: string
  readonly manifest: string
  readonly createMs: number
  readonly snapshotMs: number
}

/** Creates the tables (two sessions, one per core), snapshots them as the manifest, then plants drifts. */
export async function prepareCatalogDb (server: TestPostgres, tables: number, name = `bench_cat_${tables}`, drifts = plantedDrifts(tables), dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-'))): Promise<CatalogDb> {
  const url = await server.createDatabase(name)
  const t0 = performance.now()
  const half = Math.floor(tables / 2)
  await server.query(ACCOUNTS_SQL, [], name)
  await Promise.all([server.query(createTablesSql(1, half), [], name), server.query(createTablesSql(half + 1, tables), [], name)])
  await server.query(ANALYZE_CATALOGS_SQL, [], name)
  const createMs = performance.now() - t0
  const config = loadConfig({ DATABASE_URL: url, CHECK_TIMEOUT_MS: '30000' }, {}, { requireDatabase: true })
  const t1 = performance.now()
  const json = await runSnapshot(config, 'json')
  const snapshotMs = performance.now() - t1
  const manifest = join(dir, `manifest-${name}.json`)
  writeFileSync(manifest, json)
  for (const drift of drifts) await server.query(drift.sql, [], name)
  await server.query(ANALYZE_CATALOGS_SQL, [], name)
  return { tables, database: name, url, manifest, createMs, snapshotMs }
}

interface Measured {
  readonly db: CatalogDb
  readonly checkMs: number
  /** The same check in a monitor's later rounds (a digest per table; nothing changed). */
  readonly steadyMs: number
  readonly roundMs: number
  readonly floorMs: number
  readonly loadMs: number
  readonly findings: readonly string[]
}

async function measure (db: CatalogDb, runs: number): Promise<Measured> {
  // A generous deadline: this part measures the time, part 4 runs with the defaults.
  const config = loadConfig({ DATABASE_URL: db.url, EXPECTED_SCHEMA: db.manifest, CHECK_TIMEOUT_MS: '30000' }, {}, { requireDatabase: true })
  const t0 = performance.now()
  const expectation = await loadExpectation(config)
  const loadMs = performance.now() - t0
  const pool = createPool(config)
  const floor = new pg.Client({ connectionString: db.url })
  await floor.connect()
  try {
    // Prepared once, as a monitor does: these checks keep their memory from round to round.
    const kept = prepareChecks(CHECKS, config, expectation)
    const round = async (checks: readonly PreparedCheck[] = prepareChecks(CHECKS, config, expectation)) => {
      const t = performance.now()
      const report = await runRound({ pool, checks, config, version: VERSION })
      const ms = performance.now() - t
      const drift = report.checks.find((c) => c.name === 'schema:drift')
      if (drift === undefined || drift.errored) throw new Error(`schema:drift did not run on ${db.tables} tables: ${drift?.output ?? 'absent'}`)
      return { ms, checkMs: drift.durationMs, findings: ((drift.facts as DriftFacts | undefined)?.findings ?? []).map((f) => f.kind) }
    }
    const floorQuery = async () => {
      const t = performance.now()
      const { rowCount } = await floor.query(FLOOR_SQL, [['public']])
      // Per table: its columns, a primary key and a foreign key, the key's index and one more; the
      // planted drifts move the count by a few rows. Anything more means a broken floor.
      if (Math.abs((rowCount ?? 0) - db.tables * (COLUMNS_PER_TABLE + 4)) > 50) throw new Error(`floor query returned ${rowCount} rows`)
      return performance.now() - t
    }
    await round() // warm: connection, backend catalog caches, JIT
    await floorQuery()
    await round(kept) // fills the memory: later rounds with it read digests
    const rounds: Array<Awaited<ReturnType<typeof round>>> = []
    const steady: Array<Awaited<ReturnType<typeof round>>> = []
    const floors: number[] = []
    for (let i = 0; i < runs; i++) { // interleaved, so a busy moment hits all three
      floors.push(await floorQuery())
      rounds.push(await round())
      steady.push(await round(kept))
    }
    if (JSON.stringify(steady[0]!.findings) !== JSON.stringify(rounds[0]!.findings)) throw new Error(`later rounds found ${steady[0]!.findings.join(', ')}, a full read ${rounds[0]!.findings.join(', ')}`)
    return {
      db,
      checkMs: median(rounds.map((r) => r.checkMs)),
      steadyMs: median(steady.map((r) => r.checkMs)),
      roundMs: median(rounds.map((r) => r.ms)),
      floorMs: median(floors),
      loadMs,
      findings: rounds[0]!.findings
    }
  } finally {
    await floor.end()
    await pool.end()
  }
}

export async function benchCatalog (small: CatalogDb, large: CatalogDb, runs = 5): Promise<PartResult> {
  const s = await measure(small, runs)
  const l = await measure(large, runs)
  const perTable = (m: Measured, ms: number) => ms / m.db.tables
  const growth = perTable(l, l.checkMs) / perTable(s, s.checkMs)
  const floorGrowth = perTable(l, l.floorMs) / perTable(s, s.floorMs)
  const vsFloor = l.checkMs / l.floorMs
  const planted = plantedDrifts(large.tables).map((d) => d.kind).sort()
  const found = [...l.findings].sort()
  const sameFindings = JSON.stringify(planted) === JSON.stringify(found)
  const L = fmt.int(l.db.tables)
  const rows: Row[] = [
    targetRow(`Drift check (snapshot + diff), ${L} tables x 20 columns`, `${fmt.ms(l.checkMs)} (whole round ${fmt.ms(l.roundMs)})`, '<= 1000 ms', l.checkMs / 1000, l.checkMs <= 1000),
    targetRow(`Drift check vs raw pg_catalog query, ${L} tables`, `${fmt.x(vsFloor)} (${fmt.ms(l.checkMs)} vs ${fmt.ms(l.floorMs)})`, '<= 2x', vsFloor / 2, vsFloor <= 2),
    targetRow(`Drift check time per table, ${L} vs ${fmt.int(s.db.tables)} tables`, `${fmt.x(growth)} (${(perTable(l, l.checkMs) * 1000).toFixed(0)} vs ${(perTable(s, s.checkMs) * 1000).toFixed(0)} us/table; floor ${fmt.x(floorGrowth)})`, '<= 1.5x (about linear)', growth / 1.5, growth <= 1.5),
    infoRow(`Drift check in a monitor's later rounds, ${L} tables, nothing changed`, `${fmt.ms(l.steadyMs)} (${fmt.x(l.steadyMs / l.floorMs)} the floor)`, `${fmt.x(l.steadyMs / l.checkMs)} a full read`),
    targetRow(`Planted drifts found, ${L} tables`, `${found.length} of ${planted.length}${sameFindings ? '' : `: ${found.join(', ')}`}`, 'each planted drift, nothing else', Number.NaN, sameFindings)
  ]
  const section: Section = {
    title: 'Catalog scale: schema:drift against a manifest of the whole database',
    headers: ['tables x 20 columns', 'drift check', 'later rounds', 'whole round', 'raw query (floor)', 'check / floor', 'check per table', 'manifest load', 'snapshot', 'create tables'],
    rows: [s, l].map((m) => [
      fmt.int(m.db.tables), fmt.ms(m.checkMs), fmt.ms(m.steadyMs), fmt.ms(m.roundMs), fmt.ms(m.floorMs), fmt.x(m.checkMs / m.floorMs),
      `${(perTable(m, m.checkMs) * 1000).toFixed(0)} us`, fmt.ms(m.loadMs), fmt.ms(m.db.snapshotMs), fmt.ms(m.db.createMs)
    ]),
    notes: [
      `Median of ${runs} rounds after a warm-up round, interleaved with ${runs} runs of the floor query on a second connection. "drift check" is schema:drift's own duration in the Report (BEGIN, catalog queries, diff) reading every table, as a monitor's first round does (the targets use it); "whole round" adds connectivity, alembic:revision and the rollbacks.`,
      '"later rounds": the check with the memory a monitor keeps between rounds, the database unchanged: one query for a digest (sha256 of the columns) per table, and columns read and compared only for tables whose digest changed (none here). The findings are checked to equal the full read\'s.',
      'Each table: bigserial primary key, a foreign key (account_id to bench_accounts), an index on created_at, NOT NULL columns, defaults, varchar(n)/numeric(p,s), jsonb, arrays (so also a sequence and a TOAST table each). Manifest: `snapshot` of the database (columns, keys, constraints, indexes), then one drift of several kinds planted (dropped table, column, index and foreign key, changed type, nullability and default, extra column and table).',
      'Floor: one query, three flat parts joined by UNION ALL: pg_attribute with format_type and pg_get_expr from pg_attrdef where atthasdef (relid 0 for plain defaults); pg_constraint (primary key, unique, foreign key, check) with column numbers as stored; pg_index with pg_am and the predicate. One row per column, constraint or index, no ORDER BY; rows parsed by node-postgres (bench/catalog.ts FLOOR_SQL). The check reads the same facts as one row per table (JSON arrays of columns, constraints with column names, indexes with key columns), in order, then diffs them against the manifest.'
    ]
  }
  return { rows: [...rows, infoRow(`Drift check, ${fmt.int(s.db.tables)} tables`, `${fmt.ms(s.checkMs)} (floor ${fmt.ms(s.floorMs)})`, fmt.x(s.checkMs / s.floorMs))], sections: [section] }
}
