// Seeded random Alembic versions directories in every format the reader must handle:
// classic and type-annotated files, both quote styles, tuples/lists/bare strings,
// multi-line values with comments, CRLF, decoy docstrings and function bodies.
// Some are broken on purpose (a missing parent or dependency, a cycle).
import { pick, rng, type Rng } from '../helpers/rng.js'

export type Rand = Rng
export const prng = rng

export interface Rev {
  id: string
  down: string[]
  labels: string[]
  deps: string[]
  /** branch_labels written through a class constant (`(cli.L0,)`): Python reads it, we cannot. */
  labelsViaConstant?: boolean
}

export interface GenerateOptions {
  /** Chance that a revision with labels writes them through constants (Neutron style). */
  readonly constantLabels?: number
}
export type Broken = 'missing_down' | 'missing_dep' | 'cycle'
export interface GeneratedDir {
  readonly revisions: readonly Rev[]
  readonly files: ReadonlyArray<{ name: string, source: string }>
  readonly broken?: Broken
  /** Database states (antichains of applied revisions) to count pending revisions from. */
  readonly states: ReadonlyArray<readonly string[]>
}

const chance = (rand: Rand, p: number): boolean => rand() < p
const sample = <T>(rand: Rand, items: readonly T[], n: number): T[] => {
  const pool = [...items]
  const out: T[] = []
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!)
  return out
}

function makeId (rand: Rand, taken: Set<string>): string {
  for (;;) {
    const hex = Array.from({ length: 12 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('')
    const id = pick(rand, [hex, hex, hex, `${hex.slice(0, 4)}_add_${pick(rand, ['pdfs', 'users', 'tags'])}`, `fix_${hex.slice(0, 6)}_sequence`])
    if (!taken.has(id)) { taken.add(id); return id }
  }
}

export function generateDir (rand: Rand, opts: GenerateOptions = {}): GeneratedDir {
  const n = 1 + Math.floor(rand() * 12)
  const taken = new Set<string>()
  const revs: Rev[] = []
  let labelCount = 0
  for (let i = 0; i < n; i++) {
    const earlier = revs.map((r) => r.id)
    const down = i === 0 || chance(rand, 0.08) ? [] : sample(rand, earlier, chance(rand, 0.2) ? 2 + Math.floor(rand() * 2) : 1)
    const labels = chance(rand, 0.15) ? Array.from({ length: chance(rand, 0.2) ? 2 : 1 }, () => `branch_${labelCount++}`) : []
    const names = [...earlier, ...revs.flatMap((r) => r.labels)]
    const deps = chance(rand, 0.2) && names.length > 0 ? sample(rand, names, chance(rand, 0.3) ? 2 : 1) : []
    revs.push({ id: makeId(rand, taken), down, labels, deps })
  }
  let broken: Broken | undefined
  if (chance(rand, 0.1)) {
    const child = revs.find((r) => r.down.length > 0)
    broken = pick(rand, child !== undefined ? ['missing_down', 'missing_dep', 'cycle'] as const : ['missing_dep'] as const)
    if (broken === 'missing_down') child!.down = [...child!.down.slice(1), 'does_not_exist_1']
    else if (broken === 'missing_dep') pick(rand, revs).deps.push('no_such_label')
    else revs.find((r) => r.id === child!.down[0])!.down.push(child!.id) // parent now revises its child
  }
  if (opts.constantLabels !== undefined) {
    for (const r of revs) if (r.labels.length > 0 && chance(rand, opts.constantLabels)) r.labelsViaConstant = true
  }
  const files = revs.map((r) => ({ name: `${r.id}_${pick(rand, ['init', 'add_column', 'merge', 'fix'])}.py`, source: renderFile(rand, r, revs) }))
  if (chance(rand, 0.3)) files.push({ name: '__init__.py', source: '' })
  return { revisions: revs, files, broken, states: broken !== undefined ? [] : randomStates(rand, revs) }
}

function parentsOf (revs: readonly Rev[]): Map<string, string[]> {
  const byLabel = new Map(revs.flatMap((r) => r.labels.map((l) => [l, r.id] as const)))
  return new Map(revs.map((r) => [r.id, [...r.down, ...r.deps.map((d) => byLabel.get(d) ?? d)]]))
}

function randomStates (rand: Rand, revs: readonly Rev[]): string[][] {
  const parents = parentsOf(revs)
  const below = (ids: readonly string[]): Set<string> => {
    const seen = new Set<string>()
    const stack = ids.flatMap((id) => parents.get(id) ?? [])
    while (stack.length > 0) { const id = stack.pop()!; if (!seen.has(id)) { seen.add(id); stack.push(...(parents.get(id) ?? [])) } }
    return seen
  }
  const states: string[][] = [[]]
  for (let k = 0; k < 3; k++) {
    const chosen = revs.filter(() => chance(rand, 0.3)).map((r) => r.id)
    const covered = below(chosen)
    states.push(chosen.filter((id) => !covered.has(id)))
  }
  return states
}

const DECOY = 'deadbeefcafe'

function renderFile (rand: Rand, rev: Rev, all: readonly Rev[]): string {
  const q = chance(rand, 0.5) ? '"' : "'"
  const str = (s: string): string => chance(rand, 0.1) && s.length > 2 ? `${q}${s.slice(0, 2)}${q} ${q}${s.slice(2)}${q}` : `${q}${s}${q}`
  const annotated = chance(rand, 0.5)
  const many = (items: readonly string[], single: boolean): string => {
    if (items.length === 0) return pick(rand, ['None', 'None', '()', '[]'])
    if (items.length === 1 && single && chance(rand, 0.6)) return str(items[0]!)
    const open = chance(rand, 0.5) ? '(' : '['
    const close = open === '(' ? ')' : ']'
    if (chance(rand, 0.3)) return `${open}\n${items.map((s) => `    ${str(s)},  # ${pick(rand, ['parent', `revision = ${q}${DECOY}${q}`])}\n`).join('')}${close}`
    const trailing = items.length === 1 && open === '(' ? ',' : chance(rand, 0.3) ? ',' : ''
    return `${open}${items.map(str).join(', ')}${trailing}${close}`
  }
  const ann = (t: string): string => annotated ? `: ${t}` : ''
  const seq = pick(rand, ['Union[str, Sequence[str], None]', 'Optional[Union[str, Sequence[str]]]', 'str | tuple[str, ...] | None'])
  const decoyParent = pick(rand, all).id
  const lines = [
    `"""${pick(rand, ['add a column', 'merge heads', 'init'])}\n\nRevision ID: ${chance(rand, 0.5) ? DECOY : rev.id}\nRevises: ${decoyParent}\nCreate Date: 2024-05-01 12:00:00.000000\n\nrevision = ${q}${DECOY}${q}\n"""`,
    annotated ? 'from typing import Optional, Sequence, Union\n' : '',
    'from alembic import op\nimport sqlalchemy as sa\n',
    '# revision identifiers, used by Alembic.'
  ]
  const assignments = [
    `revision${ann('str')} = ${str(rev.id)}${chance(rand, 0.3) ? '  # the id' : ''}`,
    `down_revision${ann(seq)} = ${chance(rand, 0.1) ? '\\\n    ' : ''}${many(rev.down, true)}`,
    ...(rev.labelsViaConstant === true
      ? [`class cli:\n${rev.labels.map((l, k) => `    L${k} = ${q}${l}${q}\n`).join('')}\nbranch_labels = (${rev.labels.map((_, k) => `cli.L${k}`).join(', ')},)`]
      : rev.labels.length > 0 || chance(rand, 0.7) ? [`branch_labels${ann(seq)} = ${many(rev.labels, true)}`] : []),
    ...(rev.deps.length > 0 || chance(rand, 0.7) ? [`depends_on${ann(seq)} = ${many(rev.deps, true)}`] : [])
  ]
  if (chance(rand, 0.2)) assignments.reverse()
  if (chance(rand, 0.15) && assignments.length > 2 && rev.labelsViaConstant !== true) assignments.splice(-2, 2, `${assignments.at(-2)!}; ${assignments.at(-1)!}`)
  lines.push(...assignments, '')
  if (chance(rand, 0.3)) lines.push(`if False:\n    revision = ${q}${DECOY}${q}\n`)
  lines.push(`\ndef upgrade()${annotated ? ' -> None' : ''}:\n    revision = ${q}${DECOY}${q}\n    op.execute("""\ndown_revision = '${DECOY}'\n""")\n`)
  lines.push(`\ndef downgrade():\n    pass  # depends_on = ${q}${DECOY}${q}\n`)
  const text = lines.join('\n')
  return chance(rand, 0.15) ? text.replace(/\n/g, '\r\n') : text
}
