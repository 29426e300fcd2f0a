// `diff` between two manifests: keys, constraints, indexes and enums are compared both ways,
// and what a --to manifest leaves out is not a difference. No database needed.
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/cli.js'

type Body = { findings: Array<{ kind: string, fix?: { sql: string, alembic: string } }> }
const json = async (args: string[]) => {
  const res = await runCli(['diff', ...args, '--format', 'json'], {})
  if (res.code === 2) throw new Error(res.stderr)
  return { code: res.code, body: JSON.parse(res.stdout) as Body }
}

t.test('manifests on both sides: keys, constraints, indexes and enums are compared; what --to leaves out is not', async (t) => {
  const from = `version: 1
tables:
  users: { columns: { id: integer }, primary_key: [id] }
  pdfs:
    columns: { id: integer, user_id: integer, title: text }
    primary_key: [id]
    unique: [[user_id, title]]
    foreign_keys: [{ columns: [user_id], references: { table: users, columns: [id] }, on_delete: cascade, name: fk_u }]
    indexes: [{ name: ix_t, columns: [lower(title)], unique: false, using: btree, where: null }]
    checks: [{ name: ck_t, expression: "title <> ''" }]
enums: { mood: [happy, ok, sad] }
`
  const dir = t.testdir({
    'from.yaml': from,
    // Says nothing of users' keys, the foreign key's actions, the index's method or the check's expression, nor enums.
    'vague.yaml': "version: 1\ntables:\n  users: { columns: { id: integer } }\n  pdfs:\n    columns: { id: integer, user_id: integer, title: text }\n    primary_key: [id]\n    unique: [[user_id, title]]\n    foreign_keys: [{ columns: [user_id], references: { table: users, columns: [id] }, name: fk_u }]\n    indexes: [{ name: ix_t, columns: [lower(title)] }]\n    checks: [{ name: ck_t }]\n",
    'behind.yaml': "version: 1\ntables:\n  users: { columns: { id: integer }, unique: [] }\n  pdfs:\n    columns: { id: integer, user_id: integer, title: text }\n    unique: []\n    foreign_keys: [{ columns: [user_id], references: { table: users, columns: [id] }, on_delete: no action, on_update: no action, name: fk_u }]\n    indexes: [{ name: ix_t, columns: [title], unique: false, using: btree, where: null }]\n    checks: [{ name: ck_t, expression: \"title <> 'x'\" }]\nenums: { mood: [happy, sad] }\n"
  })
  const vague = await json(['--from', join(dir, 'from.yaml'), '--to', join(dir, 'vague.yaml')])
  t.same([vague.code, vague.body.findings.map((f) => f.kind)], [0, []], 'nothing it leaves out is a difference')
  const behind = await json(['--from', join(dir, 'from.yaml'), '--to', join(dir, 'behind.yaml')])
  t.equal(behind.code, 1)
  t.same(behind.body.findings.map((f) => f.kind).sort(), [
    'check_mismatch', 'foreign_key_mismatch', 'index_mismatch', 'missing_enum_value', 'missing_primary_key', 'missing_primary_key', 'missing_unique'
  ])
  t.ok(behind.body.findings.every((f) => f.fix !== undefined), 'each with its fix')
})
