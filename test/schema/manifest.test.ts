import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse as parseYaml } from 'yaml'
import { ManifestError } from '../../src/errors.js'
import { loadManifest, parseManifest } from '../../src/schema/manifest.js'

const DESIGN_EXAMPLE = `version: 1
alembic:
  heads: [fix_biomarkers_sequence]     # optional
tables:
  pdfs:                                # unqualified: the first schema in SCHEMAS
    columns:
      id: { type: integer, nullable: false }
      processing_started_at: { type: timestamp, nullable: true }
      file_id: varchar                 # shorthand for { type: varchar }
      status: {}                       # must exist, any type
  audit.events:                        # schema-qualified
    columns: { id: bigint }
`

t.test('the design example, shorthands included', async (t) => {
  const dir = t.testdir({ 'manifest.yaml': DESIGN_EXAMPLE })
  const m = await loadManifest(join(dir, 'manifest.yaml'))
  t.equal(m.file, join(dir, 'manifest.yaml'))
  t.same(m.alembicHeads, ['fix_biomarkers_sequence'])
  t.equal(m.tables.length, 2)
  const [pdfs, events] = m.tables
  t.same({ schema: pdfs!.schema, name: pdfs!.name }, { schema: undefined, name: 'pdfs' })
  t.same(Object.fromEntries(pdfs!.columns), {
    id: { type: 'integer', nullable: false },
    processing_started_at: { type: 'timestamp', nullable: true },
    file_id: { type: 'varchar' },
    status: {}
  })
  t.same({ schema: events!.schema, name: events!.name }, { schema: 'audit', name: 'events' })
  t.same(Object.fromEntries(events!.columns), { id: { type: 'bigint' } })
  t.ok(Object.isFrozen(m) && Object.isFrozen(m.tables))
})

t.test('JSON, defaults (null, numbers, booleans), null columns and quoted names', async (t) => {
  const m = parseManifest(JSON.stringify({
    version: 1,
    tables: {
      '"odd.name"': { columns: { a: null } },
      t: { columns: { n: { default: null }, z: { default: 0 }, b: { type: 'bool', default: false }, s: { default: "'x'::text" } } }
    }
  }), 'm.json')
  t.same(m.tables.map((x) => [x.schema, x.name]), [[undefined, 'odd.name'], [undefined, 't']])
  t.same(Object.fromEntries(m.tables[1]!.columns), { n: { default: null }, z: { default: '0' }, b: { type: 'bool', default: 'false' }, s: { default: "'x'::text" } })
  t.equal(m.alembicHeads, undefined)
})

t.test('an empty tables mapping is a valid manifest', async (t) => {
  t.same(parseManifest('version: 1\ntables: {}\n', 'm.yaml').tables, [])
})

// [name, file name, text, expected message]
const ERRORS: Array<[string, string, string, string]> = [
  ['malformed YAML', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns: {\n', 'm.yaml at line 5: malformed YAML: '],
  ['duplicate YAML key', 'm.yaml', 'version: 1\ntables:\n  a: { columns: {} }\n  a: { columns: {} }\n', 'm.yaml at line 4: malformed YAML: Map keys must be unique'],
  ['malformed JSON', 'm.json', '{\n  "version": 1,\n  "tables": {\n    "a": }\n}\n', 'm.json at line 4: malformed JSON: '],
  ['truncated JSON', 'm.json', '{\n  "version": 1,\n', 'm.json at line 3: malformed JSON: '],
  ['not a mapping', 'm.yaml', '- a\n- b\n', 'm.yaml: must be a mapping with "version: 1" and "tables", got a list'],
  ['empty file', 'm.yaml', '', 'm.yaml: must be a mapping with "version: 1" and "tables", got nothing (null)'],
  ['no version', 'm.yaml', 'tables: {}\n', 'm.yaml at line 1: missing "version" (this schema-sentinel reads version: 1)'],
  ['wrong version', 'm.yaml', 'version: 2\ntables: {}\n', 'm.yaml at version (line 1): unsupported manifest version 2 (this schema-sentinel reads version: 1)'],
  ['version as a string', 'm.json', '{"version": "1", "tables": {}}', 'm.json at version (line 1): unsupported manifest version "1"'],
  ['no tables', 'm.yaml', 'version: 1\n', 'm.yaml at line 1: missing "tables"'],
  ['nullable not a boolean', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { type: integer, nullable: yes }\n',
    'm.yaml at tables.pdfs.columns.id.nullable (line 5): must be true or false, got "yes"'],
  ['nullable not a boolean (JSON)', 'm.json', '{\n "version": 1,\n "tables": {\n  "pdfs": {\n   "columns": {\n    "id": {"nullable": "no"}\n   }\n  }\n }\n}',
    'm.json at tables.pdfs.columns.id.nullable (line 6): must be true or false, got "no"'],
  ['unknown column key', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { tpye: integer }\n',
    'm.yaml at tables.pdfs.columns.id.tpye (line 5): unknown key "tpye" (expected type, nullable, default)'],
  ['unknown top-level key', 'm.yaml', 'version: 1\ntable: {}\ntables: {}\n', 'm.yaml at table (line 2): unknown key "table" (expected version, alembic, tables, enums)'],
  ['table without columns', 'm.yaml', 'version: 1\ntables:\n  pdfs: {}\n', 'm.yaml at tables.pdfs (line 3): missing "columns"'],
  ['column is a number', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: 5\n',
    'm.yaml at tables.pdfs.columns.id (line 5): must be a type name, a mapping (type, nullable, default) or {}, got 5'],
  ['type is empty', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { type: "" }\n', 'm.yaml at tables.pdfs.columns.id.type (line 5): must not be empty'],
  ['type does not parse', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: { type: "varchar(abc)" }\n',
    'm.yaml at tables.pdfs.columns.id.type (line 5): "varchar(abc)" takes one integer modifier'],
  ['shorthand type does not parse', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns:\n      id: "numeric(1"\n',
    'm.yaml at tables.pdfs.columns.id (line 5): unbalanced parenthesis in "numeric(1"'],
  ['bad table name', 'm.yaml', 'version: 1\ntables:\n  a.b.c:\n    columns: {}\n', 'm.yaml at tables["a.b.c"] (line 3): "a.b.c" is not a table name'],
  ['bad head', 'm.yaml', 'version: 1\nalembic:\n  heads: ["has space"]\ntables: {}\n', 'm.yaml at alembic.heads[0] (line 3): "has space" is not a revision id'],
  ['heads not a list', 'm.yaml', 'version: 1\nalembic:\n  heads: abc\ntables: {}\n', 'm.yaml at alembic.heads (line 3): must be a list, got "abc"'],
  ['foreign key to an unknown table', 'm.yaml', 'version: 1\ntables:\n  users:\n    columns: {}\n  pdfs:\n    columns: {}\n    foreign_keys:\n      - columns: [user_id]\n        references: { table: userz, columns: [id] }\n',
    'm.yaml at tables.pdfs.foreign_keys[0].references.table (line 9): refers to table "userz", which is not in the manifest'],
  ['foreign key to an unknown table in a described schema', 'm.json', '{"version": 1, "tables": {"app.a": {"columns": {}}, "b": {"columns": {},\n "foreign_keys": [{"columns": ["x"], "references": {"table": "app.z", "columns": ["id"]}}]}}}',
    'm.json at tables.b.foreign_keys[0].references.table (line 2): refers to table "app.z", which is not in the manifest'],
  ['an index with no columns', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns: {}\n    indexes:\n      - { name: ix_empty, columns: [] }\n',
    'm.yaml at tables.pdfs.indexes[0].columns (line 6): must list at least one column'],
  ['an index without columns', 'm.yaml', 'version: 1\ntables:\n  pdfs:\n    columns: {}\n    indexes:\n      - { name: ix_none }\n', 'm.yaml at tables.pdfs.indexes[0] (line 6): missing "columns"'],
  ['duplicate enum labels', 'm.yaml', 'version: 1\ntables: {}\nenums:\n  pdf_status:\n    - pending\n    - done\n    - pending\n',
    'm.yaml at enums.pdf_status[2] (line 7): duplicate label "pending" (also at [0])'],
  ['duplicate enum labels (JSON)', 'm.json', '{\n "version": 1,\n "tables": {},\n "enums": {\n  "app.kind": ["a", "b",\n   "a"]\n }\n}',
    'm.json at enums["app.kind"][2] (line 6): duplicate label "a" (also at [0])'],
  ['an unknown referential action', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    foreign_keys:\n      - { columns: [a], references: { table: t, columns: [id] }, on_delete: cascde }\n',
    'm.yaml at tables.t.foreign_keys[0].on_delete (line 6): "cascde" is not a referential action (expected no action, restrict, cascade, set null, set default)'],
  ['foreign key column counts differ', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    foreign_keys:\n      - { columns: [a, b], references: { table: t, columns: [id] } }\n',
    'm.yaml at tables.t.foreign_keys[0].references.columns (line 6): names 1 columns for 2 in columns'],
  ['an empty primary key', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    primary_key: []\n', 'm.yaml at tables.t.primary_key (line 5): must list at least one column'],
  ['a unique entry that is neither', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    unique: [email]\n', 'm.yaml at tables.t.unique[0] (line 5): must be a list or a mapping, got "email"'],
  ['a check with nothing', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    checks: [{}]\n', 'm.yaml at tables.t.checks[0] (line 5): must give a name or an expression'],
  ['an unknown index key', 'm.yaml', 'version: 1\ntables:\n  t:\n    columns: {}\n    indexes: [{ columns: [a], method: gin }]\n', 'm.yaml at tables.t.indexes[0].method (line 5): unknown key "method" (expected name, columns, unique, using, where)']
]

const CONTRACT_EXAMPLE = `version: 1
tables:
  users:
    columns: { id: integer }
  pdfs:
    columns: { id: integer }
    primary_key: [id]                        # or { columns: [id], name: pk_pdfs }
    unique:                                  # each a column list, or { columns, name }
      - [user_id, file_hash]
    foreign_keys:
      - { columns: [user_id], references: { table: users, columns: [id] },
          on_delete: set null, on_update: no action, name: fk_pdfs_user_id_users }
    indexes:
      - { name: ix_pdfs_pending, columns: [created_at], unique: false, using: btree,
          where: "status = 'pending'" }      # an expression part is SQL text: "lower(email)"
    checks:
      - { name: ck_pdfs_page_count_nonneg, expression: "page_count >= 0" }
enums:                                       # unqualified: the first schema of SCHEMAS
  pdf_status: [pending, processing, done, failed]
  app.audit_kind: [login, upload, delete]
`

t.test('the contract example: keys, constraints, indexes and enums', async (t) => {
  const m = parseManifest(CONTRACT_EXAMPLE, 'm.yaml')
  const pdfs = m.tables[1]!
  t.same(pdfs.primaryKey, { columns: ['id'] })
  t.same(pdfs.unique, [{ columns: ['user_id', 'file_hash'] }])
  t.same(pdfs.foreignKeys, [{ columns: ['user_id'], references: { table: 'users', columns: ['id'] }, onDelete: 'set null', onUpdate: 'no action', name: 'fk_pdfs_user_id_users' }])
  t.same(pdfs.indexes, [{ name: 'ix_pdfs_pending', columns: ['created_at'], unique: false, using: 'btree', where: "status = 'pending'" }])
  t.same(pdfs.checks, [{ name: 'ck_pdfs_page_count_nonneg', expression: 'page_count >= 0' }])
  t.same(m.enums, [{ name: 'pdf_status', labels: ['pending', 'processing', 'done', 'failed'] }, { schema: 'app', name: 'audit_kind', labels: ['login', 'upload', 'delete'] }])
  t.equal(m.tables[0]!.primaryKey, undefined, 'absent: not checked')
  t.equal(m.tables[0]!.indexes, undefined)
  const other = parseManifest('version: 1\ntables:\n  t:\n    columns: {}\n    primary_key: { columns: [a, b], name: pk_t }\n    unique: [{ columns: [c] }]\n    indexes: []\n    foreign_keys:\n      - { columns: [u], references: { table: auth.users, columns: [id] }, on_delete: SET  NULL }\n', 'm.yaml')
  t.same(other.tables[0]!.primaryKey, { columns: ['a', 'b'], name: 'pk_t' })
  t.same(other.tables[0]!.unique, [{ columns: ['c'] }])
  t.same(other.tables[0]!.indexes, [], 'an empty list: exactly none')
  t.same(other.tables[0]!.foreignKeys![0]!.references, { schema: 'auth', table: 'users', columns: ['id'] }, 'a schema the manifest does not describe may be referred to')
  t.equal(other.tables[0]!.foreignKeys![0]!.onDelete, 'set null', 'actions in any case and spacing')
  t.equal(other.enums, undefined)
})

for (const [name, file, text, message] of ERRORS) {
  t.test(`error: ${name}`, async (t) => {
    const err = t.throws(() => parseManifest(text, file), ManifestError) as ManifestError
    t.ok(err.message.startsWith(message), `${JSON.stringify(err.message)} starts with ${JSON.stringify(message)}`)
    t.equal(err.file, file)
    t.notMatch(err.message, /\n/, 'one line')
  })
}

t.test('file errors name the file', async (t) => {
  const dir = t.testdir({ sub: {} })
  await t.rejects(loadManifest(join(dir, 'nope.yaml')), { name: 'ManifestError', message: `${join(dir, 'nope.yaml')}: file not found` })
  await t.rejects(loadManifest(join(dir, 'sub')), { name: 'ManifestError', message: `${join(dir, 'sub')}: is a directory, expected a manifest file` })
  const bad = join(dir, 'bad.yml')
  writeFileSync(bad, 'version: 1\ntables:\n  t:\n    columns:\n      c: { nullable: 1 }\n')
  await t.rejects(loadManifest(bad), { message: `${bad} at tables.t.columns.c.nullable (line 5): must be true or false, got 1` })
})

// YAML is read by js-yaml (fast) and, where it gives up or meets aliases, by the `yaml` library:
// the manifest must be the same as the one read from the JSON that `yaml` makes of the text.
const YAML_STYLES: Array<[string, string]> = [
  ['the design example', DESIGN_EXAMPLE],
  ['the demo manifest', readFileSync(new URL('../../demo/manifest.yaml', import.meta.url), 'utf8')],
  ['quoting, flow style, comments, documents markers', `%YAML 1.2\n---\n# leading comment\nversion: 1 # trailing\ntables:\n  "quoted.name": {columns: {'a b': 'varchar(36)', "c": {type: "text", default: 'it''s'}}}\n  'Mixed': { columns: { ID: { nullable: true } } }\n...\n`],
  ['scalars that look like other things', 'version: 1\ntables:\n  t:\n    columns:\n      a: { default: 0 }\n      b: { default: 0x1F }\n      c: { default: 1e3 }\n      d: { default: true }\n      e: { default: ~ }\n      f: { default: yes }\n      g: { default: 2024-01-02 }\n      i: { default: "007" }\n      j: { default: 0o17 }\n      k: { default: null }\n      "123": integer\n      "true": text\n'],
  ['block scalars and multi-line strings', 'version: 1\ntables:\n  t:\n    columns:\n      a:\n        default: |\n          line one\n          line two\n      b:\n        default: >-\n          folded\n          text\n      c:\n        default: "escaped \\t \\u00e9 \\n"\n      d: {}\n      e:\n'],
  ['unicode names', 'version: 1\ntables:\n  café.naïve:\n    columns:\n      größe: numeric(10,2)\n      名前: text\n'],
  ['an alias to a scalar', 'version: 1\ntables:\n  t:\n    columns:\n      a: &ty "varchar(36)"\n      b: *ty\n'],
  ['an alias to a mapping (read by the yaml library)', 'version: 1\ntables:\n  t:\n    columns:\n      a: &col { type: integer, nullable: false }\n      b: *col\n  u:\n    columns: { c: *col }\n'],
  ['a merge key stays a plain key (YAML 1.2)', 'version: 1\ntables:\n  t:\n    columns:\n      "<<": text\n']
]

for (const [name, text] of YAML_STYLES) {
  t.test(`YAML read as the yaml library reads it: ${name}`, async (t) => {
    const fromYaml = parseManifest(text, 'm.yaml')
    const asJson = JSON.stringify(parseYaml(text, { maxAliasCount: 100 }))
    const fromJson = parseManifest(asJson, 'm.json')
    t.same(fromYaml.tables.map((x) => [x.schema, x.name, Object.fromEntries(x.columns)]), fromJson.tables.map((x) => [x.schema, x.name, Object.fromEntries(x.columns)]))
    t.same(fromYaml.alembicHeads, fromJson.alembicHeads)
  })
}

t.test('an alias bomb is refused, not expanded', async (t) => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`)
  const text = `version: 1\nbomb:\n  ${levels.join('\n  ')}\ntables: {}\n`
  const err = t.throws(() => parseManifest(text, 'bomb.yaml'), ManifestError) as ManifestError
  t.equal(err.message, 'bomb.yaml: malformed YAML: Excessive alias count indicates a resource exhaustion attack')
})

t.test('the new keys bad input: check exits 2 with one line naming file, path and line', async (t) => {
  const { runCli } = await import('../helpers/cli.js')
  const dir = t.testdir({
    'fk.yaml': 'version: 1\ntables:\n  pdfs:\n    columns: {}\n    foreign_keys: [{ columns: [user_id], references: { table: users, columns: [id] } }]\n',
    'ix.yaml': 'version: 1\ntables:\n  pdfs:\n    columns: {}\n    indexes: [{ columns: [] }]\n',
    'enum.yaml': 'version: 1\ntables: {}\nenums:\n  mood: [happy, sad, happy]\n'
  })
  const cases: Array<[string, string]> = [
    ['fk.yaml', 'at tables.pdfs.foreign_keys[0].references.table (line 5): refers to table "users", which is not in the manifest'],
    ['ix.yaml', 'at tables.pdfs.indexes[0].columns (line 5): must list at least one column'],
    ['enum.yaml', 'at enums.mood[2] (line 4): duplicate label "happy" (also at [0])']
  ]
  for (const [file, message] of cases) {
    // The manifest is read before any connection: the database is never reached.
    const r = await runCli(['check', '--expected', join(dir, file)], { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/db' })
    t.equal(r.code, 2, file)
    t.equal(r.stderr, `schema-sentinel: ${join(dir, file)} ${message}\n`, file)
    t.equal(r.stdout, '')
  }
})

t.test('a UTF-8 byte order mark (Windows editors) is skipped in JSON as in YAML', async (t) => {
  const body = '{"version": 1, "tables": {"users": {"columns": {"id": "integer"}}}}'
  const dir = t.testdir({ 'bom.json': '\ufeff' + body, 'bom.yaml': '\ufeffversion: 1\ntables:\n  users:\n    columns: { id: integer }\n', bom: '\ufeff' + body })
  for (const file of ['bom.json', 'bom.yaml', 'bom']) {
    const m = await loadManifest(join(dir, file))
    t.same(m.tables.map((x) => x.name), ['users'], file)
  }
  t.throws(() => parseManifest('\ufeff{"version": 1, "tables": {"users": }}', 'm.json'), { message: /^m\.json at line 1: malformed JSON: / }, 'errors still name the line')
})
