// Risky operations of upgrade(), found statically: every kind in its own revision, and none
// for revisions that only look risky (downgrade, comments, autocommit blocks, DROP NOT NULL…).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { readVersions } from '../../src/alembic/versions-dir.js'
import { CLEAN, RISKY, revisionWith } from './risky-revisions.js'

t.test('every risky operation in its own revision, and nothing for the clean ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-risky-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const all = [...RISKY.map(([id, body]) => [id, body] as const), ...CLEAN]
  all.forEach(([id, body], i) => {
    const extra = id === 'helper_call' ? "\n\ndef _drop_legacy():\n    op.drop_table('legacy')\n" : ''
    writeFileSync(join(dir, `${String(i).padStart(2, '0')}_${id}.py`), revisionWith(id, i === 0 ? null : all[i - 1]![0], body, extra))
  })
  const { graph } = await readVersions([{ path: dir }])
  for (const [id, , kinds] of RISKY) t.same(graph.risksOf(id).map((r) => r.kind), kinds, id)
  for (const [id] of CLEAN) t.same(graph.risksOf(id), [], `${id}: nothing risky`)
  t.match(graph.risksOf('drop_column'), [{ destructive: true, line: 13, detail: "op.drop_column('pdfs', 'processing_started_at')" }])
  t.match(graph.risksOf('enum_used'), [{ destructive: false, line: 14 }], 'the line of the use, not of the ADD VALUE')
  t.match(graph.risksOf('concurrently_op'), [{ destructive: false }])
  t.match(graph.risksOf('helper_call'), [{ line: 22, detail: "op.drop_table('legacy')" }], 'found in the helper upgrade() calls')
})
