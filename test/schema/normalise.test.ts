import t from 'tap'
import { canonicalDefault, defaultsMatch, isSequenceDefault } from '../../src/schema/defaults.js'
import { formatType, typesMatch } from '../../src/schema/format-type.js'
import { parseType } from '../../src/schema/parse-type.js'
import { TypeSyntaxError } from '../../src/schema/pg-type.js'

// [as a manifest or SQLAlchemy writes it, as format_type prints it]
const SAME: Array<[string, string]> = [
  ['int', 'integer'], ['int4', 'integer'], ['INTEGER', 'integer'], ['pg_catalog.int4', 'integer'],
  ['int2', 'smallint'], ['smallint', 'smallint'], ['int8', 'bigint'], ['BIGINT', 'bigint'],
  ['varchar', 'character varying'], ['VARCHAR', 'character varying(255)'], ['varchar(36)', 'character varying(36)'],
  ['character varying(36)', 'character varying(36)'], ['char varying(5)', 'character varying(5)'],
  ['char', 'character(1)'], ['character', 'character(3)'], ['bpchar', 'character(3)'], ['char(3)', 'character(3)'], ['CHAR(3)', 'bpchar(3)'],
  ['timestamp', 'timestamp without time zone'], ['TIMESTAMP WITHOUT TIME ZONE', 'timestamp without time zone'],
  ['timestamp', 'timestamp(3) without time zone'], ['timestamp(3)', 'timestamp(3) without time zone'],
  ['timestamptz', 'timestamp with time zone'], ['TIMESTAMP WITH TIME ZONE', 'timestamp with time zone'],
  ['timestamptz(0)', 'timestamp(0) with time zone'], ['time', 'time without time zone'], ['timetz', 'time with time zone'],
  ['time(2) with time zone', 'time(2) with time zone'],
  ['float', 'double precision'], ['FLOAT', 'double precision'], ['float8', 'double precision'], ['float(53)', 'double precision'],
  ['float(25)', 'double precision'], ['float(24)', 'real'], ['float(1)', 'real'], ['float4', 'real'], ['REAL', 'real'],
  ['DOUBLE PRECISION', 'double precision'],
  ['bool', 'boolean'], ['BOOLEAN', 'boolean'], ['decimal', 'numeric(10,2)'], ['numeric(10)', 'numeric(10,0)'],
  ['NUMERIC(10, 2)', 'numeric(10,2)'], ['decimal(10,2)', 'numeric(10,2)'],
  ['serial', 'integer'], ['SERIAL', 'integer'], ['serial4', 'integer'], ['bigserial', 'bigint'], ['serial8', 'bigint'], ['smallserial', 'smallint'],
  ['text', 'text'], ['TEXT', 'text'], ['uuid', 'uuid'], ['json', 'json'], ['JSONB', 'jsonb'], ['bytea', 'bytea'], ['inet', 'inet'],
  ['cidr', 'cidr'], ['interval', 'interval'], ['interval', 'interval day to second(3)'], ['INTERVAL DAY TO SECOND(3)', 'interval day to second(3)'],
  ['date', 'date'], ['money', 'money'], ['bit', 'bit(3)'], ['varbit(8)', 'bit varying(8)'],
  ['integer[]', 'integer[]'], ['int4[]', 'integer[]'], ['_int4', 'integer[]'], ['int[][]', 'integer[]'], ['integer ARRAY', 'integer[]'],
  ['varchar(20)[]', 'character varying(20)[]'], ['varchar[]', 'character varying(20)[]'], ['_text', 'text[]'], ['text[3]', 'text[]'],
  ['mood', 'mood'], ['MOOD', 'mood'], ['mood', 'public.mood'], ['public.mood', 'mood'], ['public.mood', 'public.mood'],
  ['mood[]', 'mood[]'], ['"Mood"', '"Mood"'], ['citext', 'citext'], ['extensions.citext', 'citext'],
  ['email_address', 'public.email_address'], ['"char"', '"char"'], ['audit.level', 'audit.level'],
  ['geometry(Point, 4326)', 'geometry(Point,4326)'], ['vector', 'vector(1536)']
]

const DIFFERENT: Array<[string, string]> = [
  ['timestamp', 'timestamp with time zone'], ['timestamptz', 'timestamp without time zone'], ['json', 'jsonb'],
  ['varchar(36)', 'character varying(255)'], ['varchar(36)', 'character varying'], ['varchar', 'text'], ['text', 'character varying'],
  ['integer', 'bigint'], ['int', 'smallint'], ['float', 'real'], ['float(24)', 'double precision'], ['real', 'double precision'],
  ['numeric(10)', 'numeric(10,2)'], ['numeric(10,2)', 'numeric'], ['timestamp(3)', 'timestamp without time zone'],
  ['timestamp(3)', 'timestamp(6) without time zone'], ['time', 'time with time zone'], ['char', 'character varying'],
  ['char', '"char"'], ['integer', 'integer[]'], ['integer[]', 'integer'], ['mood', 'feeling'], ['public.mood', 'audit.mood'],
  ['"Mood"', 'mood'], ['bit', 'bit varying(8)'], ['serial', 'bigint'], ['bigserial', 'integer'], ['interval day to second', 'interval year to month'],
  ['uuid', 'text'], ['date', 'timestamp without time zone']
]

t.test('aliases, modifiers, arrays and user types match', async (t) => {
  for (const [expected, actual] of SAME) t.ok(typesMatch(parseType(expected), parseType(actual)), `${expected} matches ${actual}`)
})

t.test('real differences stay different', async (t) => {
  for (const [expected, actual] of DIFFERENT) t.notOk(typesMatch(parseType(expected), parseType(actual)), `${expected} does not match ${actual}`)
})

t.test('formatType prints the canonical format_type spelling', async (t) => {
  const cases: Array<[string, string]> = [
    ['int4', 'integer'], ['varchar(36)', 'character varying(36)'], ['timestamp(3)', 'timestamp(3) without time zone'],
    ['timestamptz', 'timestamp with time zone'], ['numeric(10)', 'numeric(10,0)'], ['_int4', 'integer[]'], ['float(10)', 'real'],
    ['"Mood"', '"Mood"'], ['public.mood', 'public.mood'], ['"char"', '"char"'], ['serial', 'serial'], ['bigserial', 'bigserial'],
    ['interval day to second(3)', 'interval day to second(3)'], ['varchar(20)[]', 'character varying(20)[]'], ['"My Type"[]', '"My Type"[]']
  ]
  for (const [input, output] of cases) {
    t.equal(formatType(parseType(input)), output, input)
    t.ok(typesMatch(parseType(formatType(parseType(input))), parseType(input)), `${input} round-trips`)
  }
})

t.test('serial is the integer type with a sequence flag', async (t) => {
  t.same(parseType('serial'), { name: 'integer', array: false, serial: true })
  t.same(parseType('BIGSERIAL'), { name: 'bigint', array: false, serial: true })
  t.equal(parseType('integer').serial, false)
})

t.test('unparseable types are TypeSyntaxErrors', async (t) => {
  for (const bad of ['', '   ', 'varchar(', 'varchar(abc)', 'numeric(1,2,3)', 'float(60)', 'serial(3)', 'a.b.c', 'foo bar', 'integer%', 'interval week', '""']) {
    t.throws(() => parseType(bad), TypeSyntaxError, JSON.stringify(bad))
  }
})

// [manifest default, pg_get_expr default, type]
const SAME_DEFAULTS: Array<[string, string, string?]> = [
  ["'[]'", "'[]'::json"], ["'[]'::json", "'[]'::json"], ["'active'", "'active'::character varying"],
  ["'now'", "'now'::text::date"], ["'now'::text::date", "('now'::text)::date"], ["nextval('pdfs_id_seq'::regclass)", "nextval('pdfs_id_seq'::regclass)"],
  ["nextval('pdfs_id_seq')", "nextval('pdfs_id_seq'::regclass)"], ['now()', 'now()'], ['NOW()', 'now()'], ['now( )', 'now()'],
  ['CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP'], ['0', '0'], ["'0'", '0'], ['-1', "'-1'::integer"], ['1.5', "'1.5'::numeric"],
  ['false', 'false', 'boolean'], ["'f'", 'false', 'boolean'], ["'false'", 'false', 'boolean'], ['TRUE', 'true', 'boolean'], ["'t'", 'true', 'boolean'],
  ["'{}'", "'{}'::text[]"], ["'{}'::jsonb", "'{}'::jsonb"], ['ARRAY[]::varchar[]', 'ARRAY[]::character varying[]'],
  ["timezone('utc', now())", "timezone('utc'::text, now())"], ["'2020-01-01 00:00:00'", "'2020-01-01 00:00:00'::timestamp without time zone"],
  ["'x'", "'x'::\"char\""], ["'happy'", "'happy'::public.\"Mood\""], ["'1 day'", "'1 day'::interval"],
  ["'it''s'", "'it''s'::text"], ['gen_random_uuid()', 'gen_random_uuid()'], ["(now() + '1 day'::interval)", "(now() + '1 day'::interval)"]
]
const DIFFERENT_DEFAULTS: Array<[string, string, string?]> = [
  ["'active'", "'Active'::character varying"], ['now()', 'CURRENT_TIMESTAMP'], ['0', '1'], ["'[]'", "'{}'::json"],
  ["'f'", "'false'::text", 'text'], ['true', 'false', 'boolean'], ["nextval('a_seq')", "nextval('b_seq'::regclass)"], ["'a::text'", "'a'::text"]
]

t.test('defaults compare without the casts PostgreSQL adds', async (t) => {
  for (const [expected, actual, type] of SAME_DEFAULTS) {
    t.ok(defaultsMatch(expected, actual, type !== undefined ? parseType(type) : undefined), `${expected} matches ${actual}`)
  }
  for (const [expected, actual, type] of DIFFERENT_DEFAULTS) {
    t.notOk(defaultsMatch(expected, actual, type !== undefined ? parseType(type) : undefined), `${expected} does not match ${actual}`)
  }
})

t.test('canonical defaults keep literals and quoted names intact', async (t) => {
  t.equal(canonicalDefault("'A  B'::text"), "'A  B'")
  t.equal(canonicalDefault('"Weird"()'), '"Weird"()')
  t.equal(canonicalDefault("nextval('\"My Seq\"'::regclass)"), "nextval('\"My Seq\"')")
})

t.test('sequence defaults are what serial means', async (t) => {
  t.ok(isSequenceDefault("nextval('pdfs_id_seq'::regclass)"))
  t.ok(isSequenceDefault("nextval('public.\"Odd\"''s_seq'::regclass)"))
  t.notOk(isSequenceDefault('now()'))
  t.notOk(isSequenceDefault("nextval('a') + 1"))
})
