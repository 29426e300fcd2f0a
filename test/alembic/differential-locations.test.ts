// Real Alembic (Debian's python3-alembic 1.8) against our reader on seeded random projects:
// an alembic.ini (%(here)s, version_path_separator or the legacy split) naming several
// version locations, flat (Alembic reads the ini itself) or nested trees with
// recursive_version_locations (Alembic 1.8 has no recursion, so it is handed every folder of
// the trees; our reader walks them), labels written through constants (Neutron style) and
// loose scripts. Same heads, same plain heads, same pending revisions, our order a valid
// upgrade order; an unreadable label is an error only when something depends on it.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { AlembicError, UnreadableLabelNeededError } from '../../src/alembic/errors.js'
import { loadVersions, type LoadedVersions } from '../../src/alembic/load.js'
import { pick } from '../helpers/rng.js'
import { generateDir, prng, type GeneratedDir } from './random-versions.js'

const PYTHON = '/usr/bin/python3'
const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'locations-oracle.py')
const CASES = 150
const SEED = 20240614
const SUBDIRS = ['', '', 'a', 'a/b', 'c', '2024.1/expand', '2024.1/contract']
const SEPARATORS: Array<[setting: string | undefined, join: string]> = [
  [undefined, ' '], [undefined, ', '], [undefined, ','], ['space', ' '], ['os', ':'], [':', ':'], [';', ';']
]

interface Case extends GeneratedDir {
  readonly root: string
  readonly ini: string
  /** Every folder of the trees, for Alembic 1.8; null when Alembic reads the ini. */
  readonly locations: string[] | null
  readonly loose?: string
}

interface OracleResult { heads?: string[], versionedHeads?: string[], pending?: Array<string[] | null>, error?: string }

function makeCase (rand: () => number, root: string): Case {
  const dir = generateDir(rand, { constantLabels: 0.3 })
  const nested = rand() < 0.5
  const count = 1 + Math.floor(rand() * 3)
  const locs = Array.from({ length: count }, (_, k) => join(root, `loc${k}`))
  const folders = new Set(locs)
  for (const loc of locs) mkdirSync(loc, { recursive: true })
  for (const f of dir.files) {
    const sub = nested ? pick(rand, SUBDIRS) : ''
    const folder = join(pick(rand, locs), sub)
    mkdirSync(folder, { recursive: true })
    for (let p = folder; p.startsWith(root) && p !== root; p = dirname(p)) folders.add(p)
    writeFileSync(join(folder, f.name), f.source)
  }
  if (nested && rand() < 0.5) {
    // What recursion must skip: a stale copy of a revision under __pycache__.
    const first = dir.files.find((f) => f.name !== '__init__.py')!
    mkdirSync(join(locs[0]!, '__pycache__'), { recursive: true })
    writeFileSync(join(locs[0]!, '__pycache__', first.name), first.source)
  }
  let loose: string | undefined
  if (rand() < 0.06) {
    loose = join(pick(rand, locs), 'fix_pdfs_by_hand.py')
    writeFileSync(loose, 'import sqlalchemy\n\nprint("run me by hand")\n')
  }
  const [setting, sep] = pick(rand, SEPARATORS)
  const written = locs.map((l) => rand() < 0.7 ? `%(here)s/${l.slice(root.length + 1)}` : l)
  const ini = join(root, 'alembic.ini')
  writeFileSync(ini, [
    '[alembic]', 'script_location = %(here)s',
    ...(setting !== undefined ? [`version_path_separator = ${setting}`] : []),
    `version_locations = ${written.join(sep)}`,
    ...(nested ? ['recursive_version_locations = true'] : []),
    '', '[loggers]', 'keys = root', ''
  ].join('\n'))
  return { ...dir, root, ini, locations: nested ? [...folders].sort() : null, ...(loose !== undefined ? { loose } : {}) }
}

/** Labels written through constants that some depends_on names: the heads depend on them. */
function needsUnreadable (c: Case): boolean {
  const hidden = new Set(c.revisions.filter((r) => r.labelsViaConstant === true).flatMap((r) => r.labels))
  return c.revisions.some((r) => r.deps.some((d) => hidden.has(d)))
}

const probe = spawnSync(PYTHON, ['-c', 'import alembic'], { encoding: 'utf8' })
if (probe.status !== 0 && process.env.CI !== 'true') {
  t.plan(0, `${PYTHON} cannot import alembic (apt-get install python3-alembic); skipped outside CI`)
} else {
  t.test(`real Alembic and our reader agree on ${CASES} random projects with alembic.ini`, async (t) => {
    const base = mkdtempSync(join(tmpdir(), 'sentinel-alembic-locations-'))
    t.teardown(() => rmSync(base, { recursive: true, force: true }))
    const rand = prng(SEED)
    const cases = Array.from({ length: CASES }, (_, i) => makeCase(rand, join(base, `case${i}`)))
    const oracle = spawnSync(PYTHON, [ORACLE], {
      input: JSON.stringify(cases.map((c) => ({ ini: c.ini, locations: c.locations, states: c.states }))),
      encoding: 'utf8', env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' }, maxBuffer: 64 * 1024 * 1024
    })
    t.equal(oracle.status, 0, `the oracle ran: ${oracle.stderr.slice(-2000)}`)
    const results = JSON.parse(oracle.stdout) as OracleResult[]
    const tally = { compared: 0, nested: 0, refused: 0, unreadableNeeded: 0, unreadableWarned: 0, loose: 0, orders: 0 }
    for (const [i, c] of cases.entries()) {
      const want = results[i]!
      const where = `case${i} (${c.revisions.length} revisions, ${c.locations === null ? 'flat' : 'nested'}${c.broken !== undefined ? `, broken: ${c.broken}` : ''})`
      let got: LoadedVersions | undefined
      let error: unknown
      try {
        got = await loadVersions({ configFile: c.ini })
      } catch (err) {
        error = err
      }
      if (c.broken !== undefined) {
        tally.refused++
        t.ok(want.error !== undefined && error instanceof AlembicError, `${where}: both refuse (${want.error}; ${(error as Error)?.message})`)
        continue
      }
      if (needsUnreadable(c)) {
        tally.unreadableNeeded++
        t.ok(error instanceof UnreadableLabelNeededError, `${where}: the heads depend on a label we cannot read: ${(error as Error)?.message}`)
        continue
      }
      if (got === undefined) { t.fail(`${where}: we threw ${(error as Error)?.message}; Alembic: ${JSON.stringify(want).slice(0, 300)}`); continue }
      if (c.loose !== undefined) {
        tally.loose++
        t.match(want.error, /Could not determine revision id/, `${where}: Alembic stops on the loose script`)
        t.same(got.looseScripts, [c.loose], `${where}: we list it`)
        continue
      }
      if (want.error !== undefined) { t.fail(`${where}: Alembic refuses (${want.error}), we read it`); continue }
      tally.compared++
      if (c.locations !== null) tally.nested++
      const hidden = c.revisions.filter((r) => r.labelsViaConstant === true).length
      tally.unreadableWarned += hidden
      t.equal(got.warnings.filter((w) => w.kind === 'unreadable_branch_labels').length, hidden, `${where}: one warning per unreadable label`)
      t.same(got.graph.heads(), [...want.heads!].sort(), `${where}: heads --resolve-dependencies`)
      t.same(got.graph.versionedHeads(), [...want.versionedHeads!].sort(), `${where}: plain heads`)
      c.states.forEach((state, k) => {
        const steps = want.pending![k]
        if (steps === null || steps === undefined) return
        const order = got!.graph.upgradeOrder(state)
        t.same([...order].sort(), [...steps].sort(), `${where}: pending from [${state.join(', ')}]`)
        const at = new Map(order.map((r, n) => [r, n]))
        const valid = order.every((r, n) => got!.graph.parents(r).every((p) => !at.has(p) || at.get(p)! < n))
        t.ok(valid, `${where}: each revision after its parents: ${order.join(' ')}`)
        tally.orders++
      })
    }
    t.comment(JSON.stringify(tally))
    // Guard the guard: the generator keeps producing every kind of case.
    t.ok(tally.compared >= CASES * 0.6 && tally.nested >= CASES * 0.25, `${tally.compared} compared, ${tally.nested} nested`)
    t.ok(tally.refused >= 5 && tally.unreadableNeeded >= 3 && tally.unreadableWarned >= 5 && tally.loose >= 3, JSON.stringify(tally))
    t.ok(tally.orders >= tally.compared * 3, `${tally.orders} upgrade orders compared`)
  })
}
