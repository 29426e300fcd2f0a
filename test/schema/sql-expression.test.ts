// The expression normaliser against what PostgreSQL itself prints: each text below, as a
// manifest or SQLAlchemy writes it, is stored as a CHECK, an index expression or a predicate on
// every supported major, and must compare equal to pg_get_expr's text; texts that mean
// something else must not.
import t from 'tap'
import { canonicalExpression as canonical, bareColumn } from '../../src/schema/sql-expression.js'
import { hasMajor, PG_MAJORS, startPostgres } from '../helpers/postgres.js'

const TABLE = `CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE t (a integer, b integer, n numeric(6,2), s varchar(20), x text, d date, ts timestamp, m mood, flag boolean, tags text[], "Odd" text)`

// As people and SQLAlchemy (literal binds) write them.
const CHECKS = [
  'a >= 0',
  'a > 0 AND b > 0 AND a < b',
  'a > 0 AND (b > 0 OR b IS NULL)',
  '(a > 0 AND b > 0) OR a IS NULL',
  "s IN ('x', 'y', 'z')",
  "s NOT IN ('x', 'y')",
  "m IN ('happy')",
  "x = 'it''s'",
  'a BETWEEN 1 AND 10',
  'a NOT BETWEEN 1 AND 10',
  "s LIKE 'a%'",
  "x ILIKE '%b'",
  "s NOT LIKE 'a%'",
  'a != b',
  'a > -1',
  'n > -1.5',
  'n >= 0.00',
  'a + b * 2 > 10',
  '(a + b) * 2 > 10',
  'char_length(s) >= 3',
  "length(btrim(x)) > 0",
  "lower(x) = x",
  "d > date '2024-01-01'",
  "ts > '2024-01-01'::timestamp",
  "CAST(a AS bigint) > 5",
  'NOT flag',
  'flag IS NOT TRUE',
  'a IS DISTINCT FROM b',
  "CASE WHEN a > 0 THEN b > 0 END",
  "CASE WHEN a > 0 THEN 'p' ELSE 'n' END = 'p'",
  "coalesce(a, 0) >= 0",
  "x ~ '^[a-z]+$'",
  "tags @> ARRAY['x']",
  "array_length(tags, 1) < 5",
  '"Odd" IS NULL',
  "x || s <> ''",
  'a % 2 = 0'
]
const INDEX_EXPRESSIONS = ['lower(x)', '(a + b)', 'coalesce(s, x)', "lower(s)", "(x || 'z')", "date_trunc('day', ts)"]
const PREDICATES = ["x = 'pending'", 's IS NOT NULL', 'NOT flag', "m = 'happy'", "a > 0 AND s IN ('a', 'b')", "ts > '2024-01-01'"]

// Row-level security policies as Supabase's documentation and users write them; `auth` is not on
// the search_path, public is, so PostgreSQL prints `auth.uid()` qualified and `public.uid()` bare.
const AUTH = `CREATE SCHEMA auth;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS 'SELECT NULL::jsonb';
CREATE FUNCTION public.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE TABLE members (team_id integer, user_id uuid, role text);
CREATE TABLE docs (id integer, team_id integer, user_id uuid, owner uuid, public boolean);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY`
const POLICIES = [
  'auth.uid() = user_id',
  'docs.user_id = auth.uid()',
  '(select auth.uid()) = user_id',
  'user_id = (SELECT auth.uid())',
  'user_id = (select auth.uid() as me)',
  'public.uid() = user_id',
  'uid() = owner',
  "(select auth.jwt() ->> 'role') = 'admin'",
  "(auth.jwt() -> 'app_metadata' ->> 'team')::integer = team_id",
  'public OR owner = (select auth.uid())',
  'EXISTS (SELECT 1 FROM members m WHERE m.team_id = docs.team_id AND m.user_id = (select auth.uid()))',
  "exists (select 1 from members where members.team_id = docs.team_id and members.role IN ('owner', 'admin'))",
  'team_id IN (SELECT m.team_id FROM members m WHERE m.user_id = auth.uid())',
  'team_id NOT IN (SELECT members.team_id FROM members)',
  'EXISTS (SELECT 1 FROM auth.users u WHERE u.id = docs.owner AND u.email IS NOT NULL)',
  'team_id = ANY (SELECT m.team_id FROM members m WHERE m.user_id = auth.uid())'
]

// Pairs that differ in meaning.
const DIFFERENT: Array<[string, string]> = [
  ['a > 0', 'a >= 0'], ['a + b * 2', '(a + b) * 2'], ["s IN ('x')", "s IN ('y')"], ['a > 0 AND b > 0', 'a > 0 OR b > 0'],
  ['lower(x)', 'upper(x)'], ['auth.uid() = a', 'uid() = a'], ['auth.uid() = a', 'public.uid() = a'], ['auth.uid() = a', '"Auth".uid() = a'],
  ['(select auth.uid()) = a', '(select public.uid()) = a'], ['(select auth.uid()) = a', '(select auth.jwt()) = a'],
  ['(select auth.uid()) = a', 'auth.uid() = a'], ['x OPERATOR(auth.+) 1', 'x + 1'], ['"a.b"()', 'a.b()'],
  ['EXISTS (SELECT 1 FROM m WHERE m.t = d.t)', 'EXISTS (SELECT 1 FROM m WHERE m.t = m.t)'],
  ['EXISTS (SELECT 1 FROM m WHERE m.u = auth.uid())', 'EXISTS (SELECT 1 FROM m WHERE m.u = uid())'],
  ['EXISTS (SELECT 1 FROM m WHERE m.u = a)', 'EXISTS (SELECT 1 FROM n WHERE n.u = a)'],
  ['EXISTS (SELECT 1 FROM m WHERE m.u = a)', 'NOT EXISTS (SELECT 1 FROM m WHERE m.u = a)'],
  ['EXISTS (SELECT 1 FROM auth.m WHERE u = a)', 'EXISTS (SELECT 1 FROM m WHERE u = a)'],
  ['t IN (SELECT m.t FROM m)', 't NOT IN (SELECT m.t FROM m)'], ['t = ANY (SELECT m.t FROM m)', 't = ANY ((SELECT m.t FROM m))'], ['t = ANY (SELECT m.t FROM m)', 't < ANY (SELECT m.t FROM m)'], ['t IN (SELECT m.t FROM m)', 't IN (SELECT m.u FROM m)'], ["x = 'A'", "x = 'a'"], ['"Odd" IS NULL', 'odd IS NULL'], ['a > 1', 'a > -1'], ['NOT flag', 'flag']
]

t.test('pure: forms that mean the same', async (t) => {
  t.equal(canonical('(page_count >= 0)'), canonical('page_count>=0'))
  t.equal(canonical("((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"), canonical("status IN ('a', 'b')"))
  t.equal(canonical("(x > '-1'::integer)"), canonical('x > -1'))
  t.equal(canonical('pg_catalog.lower(public.f(x))'), canonical('lower(f(x))'), 'schema qualifiers dropped')
  t.equal(canonical('x OPERATOR(pg_catalog.+) 1'), canonical('x + 1'))
  t.equal(canonical('"status" = 1'), canonical('STATUS = 1'), 'a quoted lowercase name is the plain name')
  t.equal(canonical("timestamp with time zone '2024-01-01'"), canonical("'2024-01-01'::timestamptz"))
  for (const [a, b] of DIFFERENT) t.not(canonical(a), canonical(b), `${a} vs ${b}`)
  t.equal(canonical('pg_catalog.lower(x) = auth.uid()'), canonical('lower(x) = "auth".uid()'), 'pg_catalog dropped, another schema kept')
  t.equal(canonical('x OPERATOR(public.===) 1'), canonical('x === 1'))
  t.equal(canonical('(select auth.uid()) = user_id'), canonical('( SELECT auth.uid() AS uid) = user_id'), "Supabase's advice as PostgreSQL prints it")
  t.equal(canonical('(SELECT auth.uid() uid)'), canonical('(select auth.uid() AS me)'), 'an output alias does not change the value')
  t.equal(canonical('EXISTS (SELECT 1 FROM public.members AS m WHERE m.user_id = auth.uid())'), canonical('exists ( select 1 from members m where (m.user_id = auth.uid()))'))
  for (const form of ['EXISTS (SELECT 1 FROM a JOIN b ON a.x = b.x)', 'x IN (SELECT y FROM t GROUP BY y)', 'x = (SELECT max(y) FROM t LIMIT 1)',
    'EXISTS (SELECT * FROM t)', 'x IN (SELECT DISTINCT y FROM t)', 'x = (SELECT y FROM t UNION SELECT z FROM u)', 'EXISTS (SELECT 1 FROM f() g)']) {
    t.match(canonical(form), /^text:/, `${form}: not read, compared as text`)
  }
  t.equal(bareColumn('(email)'), 'email')
  t.equal(bareColumn('"Email"'), 'Email')
  t.equal(bareColumn('lower(email)'), undefined)
})

for (const major of PG_MAJORS) {
  t.test(`PostgreSQL ${major}: every text compares equal to what the server prints`, { skip: hasMajor(major) || process.env.CI === 'true' ? false : `PostgreSQL ${major} binaries not installed` }, async (t) => {
    const server = await startPostgres({ major })
    t.teardown(() => server.destroy())
    const db = new URL(await server.createDatabase()).pathname.slice(1)
    const sql = TABLE + ';\n' +
      CHECKS.map((c, i) => `ALTER TABLE t ADD CONSTRAINT c${i} CHECK (${c});`).join('\n') + '\n' +
      INDEX_EXPRESSIONS.map((e, i) => `CREATE INDEX e${i} ON t (${/^\w+\(/.test(e) ? e : `(${e})`});`).join('\n') + '\n' +
      PREDICATES.map((p, i) => `CREATE INDEX p${i} ON t (a) WHERE ${p};`).join('\n')
    await server.query(sql, [], db)
    const checks = await server.query<{ name: string, expr: string }>("SELECT conname AS name, pg_get_expr(conbin, conrelid, true) AS expr FROM pg_constraint WHERE conrelid = 't'::regclass AND contype = 'c'", [], db)
    for (const row of checks) {
      const written = CHECKS[Number(row.name.slice(1))]!
      t.equal(canonical(row.expr), canonical(written), `CHECK (${written}) printed as ${row.expr}`)
      t.notMatch(canonical(row.expr), /^text:/, `${row.expr} is parsed`)
    }
    const indexes = await server.query<{ name: string, expr: string, pred: string | null }>(
      "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid, 1, true) AS expr, pg_get_expr(i.indpred, i.indrelid, true) AS pred FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass", [], db)
    for (const row of indexes) {
      const n = Number(row.name.slice(1))
      if (row.name.startsWith('e')) t.equal(canonical(row.expr), canonical(INDEX_EXPRESSIONS[n]!), `index on ${INDEX_EXPRESSIONS[n]} printed as ${row.expr}`)
      else t.equal(canonical(row.pred!), canonical(PREDICATES[n]!), `WHERE ${PREDICATES[n]} printed as ${row.pred}`)
    }
    t.equal(checks.length, CHECKS.length)
    await server.query(AUTH + ';\n' + POLICIES.map((p, i) => `CREATE POLICY p${i} ON docs USING (${p}) WITH CHECK (${p});`).join('\n'), [], db)
    const policies = await server.query<{ name: string, qual: string, check: string }>("SELECT policyname AS name, qual, with_check AS check FROM pg_policies WHERE tablename = 'docs'", [], db)
    for (const row of policies) {
      const written = POLICIES[Number(row.name.slice(1))]!
      t.equal(canonical(row.qual), canonical(written), `USING (${written}) printed as ${row.qual}`)
      t.equal(canonical(row.check), canonical(written), `WITH CHECK (${written}) printed as ${row.check}`)
      t.notMatch(canonical(row.qual), /^text:/, `${row.qual} is parsed`)
    }
    t.equal(policies.length, POLICIES.length)
    // And what the server prints stays apart from what means something else.
    const printed = (written: string) => policies.find((r) => r.name === `p${POLICIES.indexOf(written)}`)!.qual
    t.not(canonical(printed('public.uid() = user_id')), canonical('auth.uid() = user_id'), 'public.uid() in place of auth.uid() is drift')
    t.not(canonical(printed('auth.uid() = user_id')), canonical('uid() = user_id'), 'auth.uid() is not the uid() on the search_path')
    t.not(canonical(printed('(select auth.uid()) = user_id')), canonical('(select public.uid()) = user_id'))
    t.not(canonical(printed('(select auth.uid()) = user_id')), canonical('(select auth.uid()) = owner'))
    const exists = POLICIES[10]!
    t.not(canonical(printed(exists)), canonical(exists.replace('m.team_id = docs.team_id', 'm.team_id = m.team_id')), 'a correlation dropped is drift')
    t.not(canonical(printed(exists)), canonical(exists.replace('m.user_id', 'm.team_id')), 'a different column inside EXISTS is drift')
    t.not(canonical(printed(exists)), canonical(exists.replace('auth.uid()', 'uid()')), 'a different function inside EXISTS is drift')
    t.not(canonical(printed(POLICIES[14]!)), canonical(POLICIES[14]!.replace('auth.users', 'users')), 'a table of another schema is not the public one')
    t.equal(indexes.length, INDEX_EXPRESSIONS.length + PREDICATES.length)
  })
}
