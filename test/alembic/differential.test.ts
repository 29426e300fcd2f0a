// Our static reader against real Alembic (Debian's python3-alembic) on 200 seeded random
// versions directories: the same heads (`heads --resolve-dependencies`), the same plain
// heads, the same pending counts, and a refusal wherever Alembic refuses.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { RevisionGraph } from '../../src/alembic/graph.js'
import { readVersionsDir } from '../../src/alembic/versions-dir.js'
import { VersionsDirError } from '../../src/alembic/errors.js'
import { generateDir, prng } from './random-versions.js'

const PYTHON = '/usr/bin/python3'
const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'alembic-oracle.py')
const DIRS = 200
const SEED = 20240501

interface OracleResult { heads?: string[], versionedHeads?: string[], pending?: Array<number | null>, error?: string }

const probe = spawnSync(PYTHON, ['-c', 'import alembic'], { encoding: 'utf8' })
if (probe.status !== 0 && process.env.CI !== 'true') {
  t.plan(0, `${PYTHON} cannot import alembic (apt-get install python3-alembic); differential test skipped outside CI`)
} else {
  t.test(`real Alembic and our reader agree on ${DIRS} random directories`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'sentinel-alembic-diff-'))
    t.teardown(() => rmSync(root, { recursive: true, force: true }))
    const rand = prng(SEED)
    const cases = Array.from({ length: DIRS }, (_, i) => {
      const dir = generateDir(rand)
      const caseRoot = join(root, `case${i}`)
      mkdirSync(join(caseRoot, 'versions'), { recursive: true })
      for (const f of dir.files) writeFileSync(join(caseRoot, 'versions', f.name), f.source)
      return { ...dir, root: caseRoot }
    })
    const oracle = spawnSync(PYTHON, [ORACLE], {
      input: JSON.stringify(cases.map((c) => ({ root: c.root, states: c.states }))),
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' },
      maxBuffer: 64 * 1024 * 1024
    })
    t.equal(oracle.status, 0, `the oracle ran: ${oracle.stderr.slice(-2000)}`)
    const results = JSON.parse(oracle.stdout) as OracleResult[]
    t.equal(results.length, DIRS)

    let compared = 0
    let pendingCompared = 0
    let broken = 0
    for (const [i, c] of cases.entries()) {
      const expected = results[i]!
      let graph: RevisionGraph | undefined
      let error: unknown
      try {
        graph = await readVersionsDir(join(c.root, 'versions'))
      } catch (err) {
        error = err
      }
      const where = `case${i} (${c.revisions.length} revisions${c.broken !== undefined ? `, broken: ${c.broken}` : ''})`
      if (expected.error !== undefined || c.broken !== undefined) {
        broken++
        t.ok(expected.error !== undefined, `${where}: Alembic refuses it`)
        t.ok(error instanceof VersionsDirError, `${where}: we refuse it too (${(error as Error)?.message})`)
        continue
      }
      if (graph === undefined) {
        t.fail(`${where}: Alembic reads it, we threw ${(error as Error)?.message}`)
        continue
      }
      compared++
      t.same(graph.heads(), [...expected.heads!].sort(), `${where}: heads --resolve-dependencies`)
      t.same(graph.versionedHeads(), [...expected.versionedHeads!].sort(), `${where}: plain heads`)
      c.states.forEach((state, k) => {
        const want = expected.pending![k]
        if (want === null || want === undefined) return
        pendingCompared++
        t.equal(graph.pending(state), want, `${where}: pending from [${state.join(', ')}]`)
      })
    }
    // Guard the guard: the generator must keep producing both kinds of directory.
    t.ok(compared >= DIRS * 0.8, `${compared} readable directories compared`)
    t.ok(broken >= 5, `${broken} broken directories refused by both`)
    t.ok(pendingCompared >= compared * 3, `${pendingCompared} pending counts compared`)
  })
}
