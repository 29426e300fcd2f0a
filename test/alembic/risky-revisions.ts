// Revisions for the risky-operation tests: each risky kind alone in an upgrade(), and
// upgrade() bodies that only look risky. Shared by the static and the real-PostgreSQL tests.
import type { RiskKind } from '../../src/alembic/upgrade-ops.js'

/** A revision whose upgrade() body is `body` (indented four spaces). */
export const revisionWith = (id: string, down: string | null, body: string, extra = ''): string =>
  `"""${id}\n\nRevision ID: ${id}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = '${id}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\n\n\n` +
  `def upgrade():\n${body.split('\n').map((l) => `    ${l}`).join('\n')}\n\n\ndef downgrade():\n    op.drop_table('everything')\n    op.execute("TRUNCATE t")\n${extra}`

/** [revision id, upgrade body, the kinds expected in order] */
export const RISKY: Array<[string, string, RiskKind[]]> = [
  ['drop_table', "op.drop_table('pdfs')", ['drop_table']],
  ['drop_column', "op.drop_column('pdfs', 'processing_started_at')", ['drop_column']],
  ['drop_constraint', "op.drop_constraint('uq_pdfs_hash', 'pdfs', type_='unique')", ['drop_constraint']],
  ['drop_index', "op.drop_index('ix_pdfs_status', table_name='pdfs')", ['drop_index']],
  ['batch_drop', "with op.batch_alter_table('pdfs') as batch_op:\n    batch_op.drop_column('legacy')", ['drop_column']],
  ['type_change', "op.alter_column('pdfs', 'page_count', existing_type=sa.Integer(), type_=sa.BigInteger())", ['alter_column_type']],
  ['sql_drop', 'op.execute("DROP TABLE legacy_pdfs")', ['execute_drop']],
  ['sql_drop_column', 'op.execute(sa.text("ALTER TABLE pdfs DROP COLUMN legacy"))', ['execute_drop']],
  ['sql_truncate', "op.execute('TRUNCATE audit_log')", ['execute_truncate']],
  ['sql_delete', 'conn = op.get_bind()\nconn.execute(sa.text("DELETE FROM pdfs WHERE status = :s"), {"s": "failed"})', ['execute_delete']],
  ['core_delete', "pdfs = sa.table('pdfs', sa.column('status'))\nop.execute(pdfs.delete().where(pdfs.c.status == 'failed'))", ['execute_delete']],
  ['sql_alter_type', 'op.execute("""\n    ALTER TABLE pdfs\n        ALTER COLUMN page_count SET DATA TYPE bigint\n""")', ['execute_alter_type']],
  ['enum_used', 'op.execute("ALTER TYPE pdf_status ADD VALUE \'archived\'")\nop.execute("UPDATE pdfs SET status = \'archived\' WHERE created_at < now() - interval \'1 year\'")', ['new_enum_value_used']],
  ['enum_default', 'from sqlalchemy.dialects import postgresql\nop.execute("ALTER TYPE pdf_status ADD VALUE IF NOT EXISTS \'queued\'")\n' +
    'op.add_column(\'jobs\', sa.Column(\'status\', postgresql.ENUM(name=\'pdf_status\', create_type=False), server_default=\'queued\'))', ['new_enum_value_used']],
  ['concurrently_op', "op.create_index('ix_pdfs_user', 'pdfs', ['user_id'], postgresql_concurrently=True)", ['concurrently_in_transaction']],
  ['concurrently_sql', 'op.execute("CREATE UNIQUE INDEX CONCURRENTLY ix_pdfs_hash ON pdfs (file_hash)")', ['concurrently_in_transaction']],
  ['helper_call', '_drop_legacy()', ['drop_table']]
]

export const CLEAN: Array<[string, string]> = [
  ['nothing', 'pass'],
  ['adds', "op.add_column('pdfs', sa.Column('processing_started_at', sa.DateTime(), nullable=True))\nop.create_index('ix_a', 'pdfs', ['a'])"],
  ['not_null', "op.alter_column('pdfs', 'status', existing_type=sa.Text(), nullable=False)\nop.execute('ALTER TABLE pdfs ALTER COLUMN status DROP NOT NULL')\nop.execute('ALTER TABLE pdfs ALTER COLUMN status DROP DEFAULT')"],
  ['comments_and_literals', "op.execute(\"-- DROP TABLE pdfs\\nUPDATE pdfs SET note = 'DELETE FROM x; TRUNCATE y' /* DROP */\")\n# op.drop_table('pdfs')\nx = 'op.drop_table(\"pdfs\")'"],
  ['fk_on_delete', "op.execute('ALTER TABLE pdfs ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE')"],
  ['function_body', "op.execute(\"CREATE FUNCTION purge() RETURNS trigger AS $$ BEGIN DELETE FROM old; RETURN NULL; END $$ LANGUAGE plpgsql\")"],
  ['enum_autocommit', "with op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE pdf_status ADD VALUE 'archived'\")\nop.execute(\"UPDATE pdfs SET status = 'archived'\")"],
  ['enum_committed_before_use', "op.execute(\"ALTER TYPE pdf_status ADD VALUE 'x1'\")\nwith op.get_context().autocommit_block():\n    op.execute(\"UPDATE pdfs SET status = 'x1'\")"],
  ['concurrently_autocommit', "with op.get_context().autocommit_block():\n    op.create_index('ix_b', 'pdfs', ['b'], postgresql_concurrently=True)\n    op.execute('CREATE INDEX CONCURRENTLY ix_c ON pdfs (c)')"],
  ['refresh_concurrently', "op.execute('REFRESH MATERIALIZED VIEW CONCURRENTLY stats')"],
  ['enum_type_itself', "op.execute(\"ALTER TYPE pdf_status RENAME VALUE 'old' TO 'new'\")"]
]
