// security:exposure and the RLS/policy/grant read on PostgreSQL 15 (the first with
// security_invoker views) and 18; 17 is the suite's default and tested at length elsewhere.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { CHECKS, prepareChecks } from '../../src/checks/index.js'
import { runSnapshot } from '../../src/commands/snapshot.js'
import { loadConfig } from '../../src/config.js'
import { loadExpectation } from '../../src/expectation.js'
import { createPool } from '../../src/postgres/pool.js'
import type { ExposureFacts } from '../../src/security/findings.js'
import type { DriftFacts } from '../../src/schema/findings.js'
import { runRound } from '../../src/round.js'
import { hasMajor, startPostgres, type PgMajor } from '../helpers/postgres.js'

const FIXTURE = `
  CREATE ROLE anon NOLOGIN NOINHERIT;
  CREATE ROLE authenticated NOLOGIN NOINHERIT;
  CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  CREATE TABLE lab_reports (id int, owner text);
  ALTER TABLE lab_reports ENABLE ROW LEVEL SECURITY;
  CREATE POLICY own ON lab_reports FOR SELECT TO authenticated USING (lab_reports.owner = current_user);
  GRANT SELECT ON lab_reports TO anon, authenticated;
  CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  GRANT SELECT ON events TO PUBLIC;
  CREATE VIEW definer AS SELECT id FROM lab_reports;
  CREATE VIEW invoker WITH (security_invoker = on) AS SELECT id FROM lab_reports;
  GRANT SELECT ON definer, invoker TO anon`

for (const major of [15, 18] as PgMajor[]) {
  t.test(`PostgreSQL ${major}`, { skip: hasMajor(major) || process.env.CI === 'true' ? false : `PostgreSQL ${major} binaries not installed` }, async (t) => {
    const server = await startPostgres({ major })
    t.teardown(() => server.destroy())
    await server.query(FIXTURE)
    const url = server.url()
    const file = join(t.testdir(), 'expected.yaml')
    writeFileSync(file, await runSnapshot(loadConfig({ DATABASE_URL: url }, {}, { requireDatabase: true }), 'yaml'))
    const config = loadConfig({ DATABASE_URL: url, EXPECTED_SCHEMA: file, CHECK_TIMEOUT_MS: '10000' }, {}, { requireDatabase: true })
    const pool = createPool(config)
    t.teardown(() => pool.end())
    const round = async () => await runRound({ pool, checks: prepareChecks(CHECKS, config, await loadExpectation(config)), config, version: 'test' })

    const first = await round()
    const exposure = first.checks.find((c) => c.name === 'security:exposure')?.facts as ExposureFacts
    t.same(exposure.findings.map((f) => `${f.kind} ${f.table}`), ['exposed_without_rls public.events', 'exposed_definer_view public.definer'])
    t.same((first.checks.find((c) => c.name === 'schema:drift')?.facts as DriftFacts).findings, [], 'a snapshot checked against its database')

    await server.query(`ALTER POLICY own ON lab_reports USING (owner = 'x'); GRANT INSERT ON lab_reports TO anon; ALTER TABLE lab_reports DISABLE ROW LEVEL SECURITY`)
    const drift = (await round()).checks.find((c) => c.name === 'schema:drift')?.facts as DriftFacts
    t.same(drift.findings.map((f) => `${f.severity} ${f.kind}`), ['fail rls_mismatch', 'warn policy_mismatch', 'warn extra_grant'])
  })
}
