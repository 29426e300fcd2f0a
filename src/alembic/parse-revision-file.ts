// Reads one Alembic revision file without running it: the module-level assignments of
// `revision`, `down_revision`, `branch_labels` and `depends_on`, as Python would bind them.
// Docstrings, comments and function bodies are tokens or indented lines, so the
// "Revision ID: …" text of a docstring is never mistaken for an assignment.
import { VersionsDirError } from '../errors.js'
import { logicalLines, TokenError, type Token } from './python-tokens.js'

export interface RevisionFile {
  readonly file: string
  readonly revision: string
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  readonly dependsOn: readonly string[]
}

const FIELDS = ['revision', 'down_revision', 'branch_labels', 'depends_on'] as const
type Field = typeof FIELDS[number]
type Value = null | string | readonly string[]

const isField = (text: string): text is Field => (FIELDS as readonly string[]).includes(text)
const EXPECTED = 'expected None, a string, or a tuple or list of strings'
// Alembic's Revision.verify_rev_id refuses these characters in revision ids.
const ILLEGAL_IN_ID = /[@+-]/
const AUGMENTED = /^(?:[-+*/%&|^@:]|\*\*|\/\/|<<|>>)=$/

/** Parses one file; `undefined` when it has no module-level `revision` (e.g. `__init__.py`). */
export function parseRevisionFile (source: string, file: string): RevisionFile | undefined {
  const fail = (line: number, problem: string): never => { throw new VersionsDirError(file, `line ${line}: ${problem}`) }
  const found = new Map<Field, { value: Value, line: number }>()
  let lines
  try {
    lines = logicalLines(source)
  } catch (err) {
    if (err instanceof TokenError) fail(err.line, err.problem)
    throw err
  }
  for (const logical of lines) {
    if (logical.indent !== 0) continue
    for (const statement of splitAt(logical.tokens, ';')) {
      const assigned = readAssignment(statement, (problem) => fail(logical.line, problem))
      for (const [field, value] of assigned) found.set(field, { value, line: logical.line })
    }
  }
  const revision = found.get('revision')
  if (revision === undefined) return undefined
  if (typeof revision.value !== 'string' || revision.value === '') fail(revision.line, 'revision must be a non-empty string')
  const id = revision.value as string
  if (ILLEGAL_IN_ID.test(id)) fail(revision.line, `revision id "${id}" contains one of @ - +, which Alembic does not allow`)
  const down = found.get('down_revision')
  if (down === undefined) throw new VersionsDirError(file, `revision ${id} has no down_revision (use None for a base revision)`)
  const list = (field: Field): string[] => {
    const entry = found.get(field)
    if (entry === undefined || entry.value === null || entry.value === '') return []
    const items = typeof entry.value === 'string' ? [entry.value] : entry.value
    if (items.includes('')) fail(entry.line, `${field} contains an empty string`)
    return [...new Set(items)]
  }
  return Object.freeze({
    file,
    revision: id,
    downRevisions: Object.freeze(list('down_revision')),
    branchLabels: Object.freeze(list('branch_labels')),
    dependsOn: Object.freeze(list('depends_on'))
  })
}

/** The fields a statement binds, with their values; [] for any other statement. */
function readAssignment (tokens: readonly Token[], fail: (problem: string) => never): Array<[Field, Value]> {
  const parts = splitAt(tokens, '=')
  const first = tokens[0]
  if (parts.length < 2) {
    const op = tokens[1]?.text ?? ''
    if (first?.kind === 'name' && isField(first.text) && AUGMENTED.test(op)) {
      fail(`${first.text} is assigned with ${op}, which cannot be read`)
    }
    return [] // an expression, an import, a def, or an annotation without a value
  }
  const value = parts[parts.length - 1]!
  const out: Array<[Field, Value]> = []
  parts.slice(0, -1).forEach((target, i) => {
    // `name` or, for a single target, `name: annotation`.
    const simple = target.length === 1 || (i === 0 && parts.length === 2 && target[1]?.text === ':')
    const name = target[0]
    if (simple && name?.kind === 'name') {
      if (isField(name.text)) out.push([name.text, evaluate(value, name.text, fail)])
      return
    }
    const hidden = target.find((t, k) => t.kind === 'name' && isField(t.text) && target[k - 1]?.text !== '.')
    if (hidden !== undefined) fail(`${hidden.text} is assigned in a form that cannot be read (write ${hidden.text} = …)`)
  })
  return out
}

function evaluate (tokens: readonly Token[], field: Field, fail: (problem: string) => never): Value {
  const bad = (): never => fail(`${field} cannot be read (${EXPECTED})`)
  const items = splitAt(tokens, ',')
  if (items.length > 1) return elements(items, bad) // a bare tuple: 'a', 'b'
  return atom(tokens, bad)
}

function atom (tokens: readonly Token[], bad: () => never): Value {
  const first = tokens[0]
  if (first === undefined) return bad()
  if (tokens.length === 1 && first.kind === 'name' && first.text === 'None') return null
  if (tokens.every((t) => t.kind === 'string')) {
    // Adjacent literals concatenate; bytes and f-strings are not plain strings.
    if (tokens.some((t) => /[bf]/.test(t.prefix ?? ''))) return bad()
    return tokens.map((t) => t.value ?? '').join('')
  }
  const close = first.text === '(' ? ')' : first.text === '[' ? ']' : undefined
  if (first.kind !== 'op' || close === undefined || closingIndex(tokens) !== tokens.length - 1) return bad()
  const inner = tokens.slice(1, -1)
  if (inner.length === 0) return []
  const items = splitAt(inner, ',')
  // `("a")` is a string; `("a",)` and `["a"]` are sequences.
  if (close === ')' && items.length === 1) return atom(inner, bad)
  return elements(items, bad)
}

function elements (items: ReadonlyArray<readonly Token[]>, bad: () => never): string[] {
  const present = items[items.length - 1]!.length === 0 ? items.slice(0, -1) : items // trailing comma
  return present.map((item) => {
    const v = atom(item, bad)
    return typeof v === 'string' ? v : bad()
  })
}

/** Splits at top-level (bracket depth 0) operator tokens equal to `op`. */
function splitAt (tokens: readonly Token[], op: string): Token[][] {
  const parts: Token[][] = [[]]
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--
      else if (depth === 0 && t.text === op) { parts.push([]); continue }
    }
    parts[parts.length - 1]!.push(t)
  }
  return op === ';' ? parts.filter((p) => p.length > 0) : parts
}

/** Index of the bracket that closes tokens[0]. */
function closingIndex (tokens: readonly Token[]): number {
  let depth = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind !== 'op') continue
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--
    if (depth === 0) return i
  }
  return -1
}
