// The perturbation corpus, run by test/schema/corpus-<major>.test.ts for each PostgreSQL major
// (one file each, so each stays well within tap's per-file time): models -> exporter -> a
// database from create_all -> one missed migration of each kind (and more at random) ->
// `check`, scored for recall and false positives, with real Alembic autogenerate
// (compare_metadata) run beside it on the same databases. schema-sentinel must find every
// perturbation and report nothing else; Alembic's figure is reported, not required.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { runCheck } from '../../src/commands/check.js'
import { loadConfig } from '../../src/config.js'
import type { CheckResult } from '../../src/report.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { allPerturbations, samplePerturbations, type ExportedManifest, type Perturbation } from './perturbations.js'
import { hasMajor, startPostgres, type PgMajor } from './postgres.js'
import { exportModels, FIXTURES, missingSqlalchemy, modelsDdl, runPython } from './python.js'
import { rng } from './rng.js'

const MODELS = 'contract_models:Base'
const SCHEMAS = 'public,audit'
const PER_MAJOR = Number(process.env.CORPUS_SIZE ?? 40)
const SEED = Number(process.env.CORPUS_SEED ?? 1313)

/** Runs the corpus on one major inside the calling test file. */
export async function runCorpus (major: PgMajor): Promise<void> {
  const skip = missingSqlalchemy()
  if (skip !== false) {
    t.plan(0, `perturbation corpus: ${skip}`)
    return
  }
  const manifestText = await exportModels(MODELS)
  const manifest = JSON.parse(manifestText) as ExportedManifest
  const ddl = 'CREATE SCHEMA audit;\n' + await modelsDdl(MODELS)
  const all = allPerturbations(manifest, ddl)

  /** Alembic's compare_metadata for each database: its differences as text. */
  const alembic = async (urls: string[]): Promise<Array<string[] | { error: string }>> => {
    const dir = t.testdir({ 'urls.json': JSON.stringify(urls) })
    const res = await runPython([join(FIXTURES, 'alembic_compare.py'), MODELS, SCHEMAS, join(dir, 'urls.json')])
    if (res.code !== 0) throw new Error(`alembic_compare.py exited ${res.code}: ${res.stderr}`)
    return JSON.parse(res.stdout)
  }

  const seed = SEED + major
  t.test(`PostgreSQL ${major}`, { skip: hasMajor(major) || process.env.CI === 'true' ? false : `PostgreSQL ${major} binaries not installed` }, async (t) => {
    const server = await startPostgres({ major })
    t.teardown(() => server.destroy())
    const dir = t.testdir({ 'expected.json': manifestText })
    const file = join(dir, 'expected.json')
    const findingsOf = async (url: string): Promise<string[]> => {
      const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: file, SCHEMAS, CHECK_TIMEOUT_MS: '10000' }, {}, { requireDatabase: true })
      const check = (await runCheck(config, 'json')).report.checks.find((c) => c.name === 'schema:drift')! as CheckResult<DriftFacts>
      if (check.errored) throw new Error(`schema:drift errored: ${check.output}`)
      return (check.facts?.findings ?? []).map((f) => `${f.kind} ${f.table ?? f.type}`)
    }

    // The base database is a template: each perturbation works on its own copy.
    await server.query('CREATE DATABASE corpus_base')
    await server.query(ddl, [], 'corpus_base')
    const baseUrl = server.url('corpus_base')
    t.same(await findingsOf(baseUrl), [], 'the models against their own create_all database: no finding at all')

    const chosen: Perturbation[] = samplePerturbations(all, PER_MAJOR, rng(seed))
    const urls: string[] = []
    for (const [n, p] of chosen.entries()) {
      const db = `corpus_${n}`
      if (p.ddl !== undefined) {
        await server.query(`CREATE DATABASE ${db}`)
        await server.query(p.ddl, [], db)
      } else {
        await server.query(`CREATE DATABASE ${db} TEMPLATE corpus_base STRATEGY FILE_COPY`)
        await server.query(p.sql!, [], db)
      }
      urls.push(server.url(db))
    }

    // Alembic reads the same databases in its own process meanwhile.
    const alembicRun = alembic([baseUrl, ...urls])
    alembicRun.catch(() => {})
    let found = 0
    const falsePositives: string[] = []
    const missed: string[] = []
    for (const [n, p] of chosen.entries()) {
      const findings = await findingsOf(urls[n]!)
      if (findings.includes(p.expect)) found++
      else missed.push(`${p.label}: expected ${p.expect}, got [${findings.join('; ')}]`)
      for (const f of findings) if (f !== p.expect && !p.allow.includes(f)) falsePositives.push(`${p.label}: ${f}`)
    }

    const [baseline, ...perturbed] = await alembicRun
    if (!Array.isArray(baseline)) throw new Error(`Alembic could not compare the base database: ${baseline!.error}`)
    const noticed = perturbed.map((diffs, n) => {
      if (!Array.isArray(diffs)) throw new Error(`Alembic could not compare ${chosen[n]!.label}: ${diffs.error}`)
      return JSON.stringify(diffs) !== JSON.stringify(baseline)
    })
    const alembicFound = noticed.filter(Boolean).length
    const kinds = [...new Set(chosen.map((p) => p.expect.split(' ')[0]!))]
    const byKind = kinds.map((k) => {
      const of = chosen.map((p, n) => ({ p, n })).filter(({ p }) => p.expect.startsWith(`${k} `))
      return `${k} ${of.filter(({ n }) => noticed[n]).length}/${of.length}`
    })
    const report = [
      `PostgreSQL ${major}, seed ${seed}: ${chosen.length} perturbations of ${kinds.length} kinds (from ${all.length} possible)`,
      `schema-sentinel: found ${found} of ${chosen.length} (recall ${(100 * found / chosen.length).toFixed(0)}%), false positives ${falsePositives.length}`,
      `Alembic ${'1.8'} compare_metadata (compare_type, compare_server_default): noticed ${alembicFound} of ${chosen.length} (${(100 * alembicFound / chosen.length).toFixed(0)}%); ` +
        `its report on the unperturbed database: ${baseline!.length} difference(s)`,
      `Alembic by kind: ${byKind.join(', ')}`
    ]
    for (const line of report) t.comment(line)
    if (process.env.CORPUS_REPORT !== undefined) writeFileSync(process.env.CORPUS_REPORT, report.join('\n') + '\n', { flag: 'a' })
    t.same(missed, [], 'recall 100%: every perturbation found')
    t.same(falsePositives, [], 'no false positives: nothing reported that the perturbation does not explain')
    t.equal(found, chosen.length)
  })
}
