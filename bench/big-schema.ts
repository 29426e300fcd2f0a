// A large application schema made fast: N tables x 20 columns from one DO block (committing
// every few hundred tables to stay within the lock table), and a few planted drifts. Each table
// has what real tables have beyond columns: a primary key, one index and one foreign key.

/** 20 columns of the kinds real apps have: an identity key, defaults, NOT NULL, modifiers. */
const COLUMNS = [
  'id bigserial PRIMARY KEY',
  'account_id integer NOT NULL REFERENCES public.bench_accounts (id)',
  'name text NOT NULL',
  'slug varchar(64)',
  'status varchar(16) NOT NULL DEFAULT \'\'new\'\'',
  'created_at timestamptz NOT NULL DEFAULT now()',
  'updated_at timestamp',
  'is_active boolean NOT NULL DEFAULT true',
  'amount numeric(12,2)',
  'ratio double precision',
  'attempts smallint NOT NULL DEFAULT 0',
  'payload jsonb',
  'external_id uuid',
  'due_on date',
  'notes text',
  'score real',
  'parent_id bigint',
  'tags text[]',
  'checksum bytea',
  'version integer NOT NULL DEFAULT 1'
]
export const COLUMNS_PER_TABLE = COLUMNS.length

export const tableName = (i: number): string => `t_${String(i).padStart(5, '0')}`

/** One statement that creates tables number `from`..`to` in `public` (quotes doubled: it runs inside format()). */
export function createTablesSql (from: number, to: number): string {
  return `
DO $bench$
BEGIN
  FOR i IN ${from}..${to} LOOP
    EXECUTE format('CREATE TABLE public.%I (${COLUMNS.join(', ')})', 't_' || lpad(i::text, 5, '0'));
    EXECUTE format('CREATE INDEX %I ON public.%I (created_at)', 'ix_t_' || lpad(i::text, 5, '0') || '_created_at', 't_' || lpad(i::text, 5, '0'));
    IF i % 250 = 0 THEN COMMIT; END IF;
  END LOOP;
END
$bench$`
}

/** The table every table's foreign key refers to; created before the others. */
export const ACCOUNTS_SQL = 'CREATE TABLE public.bench_accounts (id integer PRIMARY KEY, name text NOT NULL)'

/** Catalog statistics, as a production database would have them (autovacuum is off in the bench). */
export const ANALYZE_CATALOGS_SQL = 'VACUUM ANALYZE pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_attrdef, pg_catalog.pg_namespace, pg_catalog.pg_type, pg_catalog.pg_constraint, pg_catalog.pg_index'

export interface PlantedDrift {
  readonly kind: string
  readonly sql: string
}

/** Drifts that leave the status at warn, so /health and /health/schema answer 200 with findings. */
export function warnDrifts (tables: number): PlantedDrift[] {
  return plantedDrifts(tables).filter((d) => ['type_mismatch', 'nullability_mismatch', 'extra_column', 'missing_index'].includes(d.kind))
}

/** Drifts planted after the manifest is taken: one of each finding kind the diff reports. */
export function plantedDrifts (tables: number): PlantedDrift[] {
  const t = (fraction: number): string => tableName(Math.max(1, Math.round(tables * fraction)))
  return [
    { kind: 'missing_table', sql: `DROP TABLE public.${t(0.1)}` },
    { kind: 'missing_column', sql: `ALTER TABLE public.${t(0.3)} DROP COLUMN notes` },
    { kind: 'type_mismatch', sql: `ALTER TABLE public.${t(0.5)} ALTER COLUMN payload TYPE json` },
    { kind: 'nullability_mismatch', sql: `ALTER TABLE public.${t(0.7)} ALTER COLUMN name DROP NOT NULL` },
    { kind: 'default_mismatch', sql: `ALTER TABLE public.${t(0.8)} ALTER COLUMN version SET DEFAULT 2` },
    { kind: 'extra_column', sql: `ALTER TABLE public.${t(0.9)} ADD COLUMN processing_started_at timestamp` },
    { kind: 'missing_index', sql: `DROP INDEX public.ix_${t(0.4)}_created_at` },
    { kind: 'missing_foreign_key', sql: `ALTER TABLE public.${t(0.6)} DROP CONSTRAINT ${t(0.6)}_account_id_fkey` },
    { kind: 'extra_table', sql: 'CREATE TABLE public.bench_extra (id integer)' }
  ]
}
