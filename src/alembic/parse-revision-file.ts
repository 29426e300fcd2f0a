// Reads one Alembic revision file without running it: the module-level assignments of
// `revision`, `down_revision`, `branch_labels` and `depends_on`, as Python would bind them,
// and the risky operations of its upgrade(). Docstrings, comments and function bodies are
// tokens or indented lines, so the "Revision ID: …" text of a docstring is never mistaken
// for an assignment. One pass: linear in the file, brackets at most 200 deep (as CPython).
import { basename } from 'node:path'
import {
  InvalidValueError, MissingDownRevisionError, RevisionFileTooDeepError, RevisionSyntaxError, UnreadableValueError, type RevisionKey
} from './errors.js'
import { logicalLines, MAX_NESTING, TokenError, type Token } from './python-tokens.js'
import { UpgradeScanner, type RiskyOp } from './upgrade-ops.js'

export interface RevisionFile {
  readonly file: string
  readonly revision: string
  readonly downRevisions: readonly string[]
  readonly branchLabels: readonly string[]
  readonly dependsOn: readonly string[]
  /** Line of a branch_labels value that is not a literal (a constant, a call): labels unknown. */
  readonly unreadableLabelsLine?: number
  /** What upgrade() does that is destructive or fails inside a transaction. */
  readonly risks: readonly RiskyOp[]
}

const FIELDS: readonly RevisionKey[] = ['revision', 'down_revision', 'branch_labels', 'depends_on']
type Value = null | string | readonly string[]
/** A value that is not a literal; an error only if the heads turn out to depend on it. */
const UNREADABLE = Symbol('unreadable')
type Found = { value: Value | typeof UNREADABLE, line: number }

const isField = (text: string): text is RevisionKey => (FIELDS as readonly string[]).includes(text)
// Alembic's Revision.verify_rev_id refuses these characters in revision ids.
const ILLEGAL_IN_ID = /[@+-]/
const AUGMENTED = /^(?:[-+*/%&|^@:]|\*\*|\/\/|<<|>>)=$/
// Alembic's _legacy_rev: a file named for its id may leave `revision` out.
const LEGACY_NAME = /^([a-f0-9]+)\.py$/

/** Parses one file; `undefined` when it binds no `revision` at module level: a loose script. */
export function parseRevisionFile (source: string, file: string): RevisionFile | undefined {
  const found = new Map<RevisionKey, Found>()
  const scanner = new UpgradeScanner()
  try {
    for (const logical of logicalLines(source)) {
      if (logical.indent !== 0) {
        scanner.bodyLine(logical)
        continue
      }
      scanner.moduleLine(logical)
      for (const statement of splitAt(logical.tokens, ';')) {
        for (const [field, value] of readAssignment(statement, file, logical.line)) found.set(field, { value, line: logical.line })
      }
    }
  } catch (err) {
    if (!(err instanceof TokenError)) throw err
    if (err.problem === 'too_deep') throw new RevisionFileTooDeepError(file, err.line, MAX_NESTING)
    throw new RevisionSyntaxError(file, err.line, err.problem, err.character)
  }
  // Everything but branch_labels decides the graph: a value we cannot read there is an error now.
  for (const [key, entry] of found) {
    if (entry.value === UNREADABLE && key !== 'branch_labels') throw new UnreadableValueError(file, entry.line, key, 'value')
  }
  let revision = found.get('revision') as { value: Value, line: number } | undefined
  const legacy = LEGACY_NAME.exec(basename(file))
  if (revision === undefined && legacy !== null && found.has('down_revision')) revision = { value: legacy[1]!, line: 0 }
  if (revision === undefined) return undefined
  if (typeof revision.value !== 'string' || revision.value === '') throw new InvalidValueError(file, revision.line, 'revision', 'not_a_string')
  const id = revision.value
  if (ILLEGAL_IN_ID.test(id)) throw new InvalidValueError(file, revision.line, 'revision', 'illegal_character', id)
  if (!found.has('down_revision')) throw new MissingDownRevisionError(file, id)
  const list = (field: RevisionKey): string[] => {
    const entry = found.get(field)
    if (entry === undefined || entry.value === null || entry.value === '' || entry.value === UNREADABLE) return []
    const items = typeof entry.value === 'string' ? [entry.value] : entry.value
    if (items.includes('')) throw new InvalidValueError(file, entry.line, field, 'empty_item')
    return [...new Set(items)]
  }
  const labels = found.get('branch_labels')
  return Object.freeze({
    file,
    revision: id,
    downRevisions: Object.freeze(list('down_revision')),
    branchLabels: Object.freeze(list('branch_labels')),
    dependsOn: Object.freeze(list('depends_on')),
    ...(labels?.value === UNREADABLE ? { unreadableLabelsLine: labels.line } : {}),
    risks: Object.freeze(scanner.risks())
  })
}

/** The fields a statement binds, with their values; [] for any other statement. */
function readAssignment (tokens: readonly Token[], file: string, line: number): Array<[RevisionKey, Found['value']]> {
  const parts = splitAt(tokens, '=')
  const first = tokens[0]
  if (parts.length < 2) {
    const op = tokens[1]?.text ?? ''
    if (first?.kind === 'name' && isField(first.text) && AUGMENTED.test(op)) {
      if (first.text === 'branch_labels') return [['branch_labels', UNREADABLE]]
      throw new UnreadableValueError(file, line, first.text, 'augmented', op)
    }
    return [] // an expression, an import, a def, or an annotation without a value
  }
  const value = parts[parts.length - 1]!
  const out: Array<[RevisionKey, Found['value']]> = []
  parts.slice(0, -1).forEach((target, i) => {
    // `name` or, for a single target, `name: annotation`.
    const simple = target.length === 1 || (i === 0 && parts.length === 2 && target[1]?.text === ':')
    const name = target[0]
    if (simple && name?.kind === 'name') {
      if (!isField(name.text)) return
      const v = readValue(value) // null is None: a value
      out.push([name.text, v === undefined ? UNREADABLE : v])
      return
    }
    const hidden = target.find((t, k) => t.kind === 'name' && isField(t.text) && target[k - 1]?.text !== '.')
    if (hidden === undefined) return
    if (hidden.text === 'branch_labels') out.push(['branch_labels', UNREADABLE])
    else throw new UnreadableValueError(file, line, hidden.text as RevisionKey, 'target')
  })
  return out
}

/**
 * A literal value: None, a string (adjacent literals concatenate), or a tuple or list of
 * strings, in any parentheses; a bare `'a', 'b'` is a tuple. undefined for anything else.
 * Recursive descent over an index: every token is looked at once.
 */
function readValue (tokens: readonly Token[]): Value | undefined {
  let i = 0
  const isOp = (text: string): boolean => tokens[i]?.kind === 'op' && tokens[i]!.text === text
  // item (',' item)* [','] up to `close` (or the end); a comma makes it a sequence of strings.
  const sequence = (close: string | undefined): Value | undefined => {
    const items: Value[] = []
    let comma = false
    while (i < tokens.length && !(close !== undefined && isOp(close))) {
      const v = atom()
      if (v === undefined) return undefined
      items.push(v)
      if (!isOp(',')) break
      comma = true
      i++
    }
    if (close !== undefined) {
      if (!isOp(close)) return undefined
      i++
    }
    if (items.length === 0) return close === undefined ? undefined : []
    // `("a")` is a string; `("a",)`, `["a"]` and `'a', 'b'` are sequences.
    if (!comma && close !== ']') return items[0]
    return items.every((v): v is string => typeof v === 'string') ? items : undefined
  }
  const atom = (): Value | undefined => {
    const t = tokens[i]
    if (t === undefined) return undefined
    if (t.kind === 'name' && t.text === 'None') { i++; return null }
    if (t.kind === 'string') {
      let s = ''
      while (tokens[i]?.kind === 'string') {
        // Bytes and f-strings are not plain strings.
        if (/[bf]/.test(tokens[i]!.prefix ?? '')) return undefined
        s += tokens[i]!.value ?? ''
        i++
      }
      return s
    }
    if (isOp('(')) { i++; return sequence(')') }
    if (isOp('[')) { i++; return sequence(']') }
    return undefined
  }
  const value = sequence(undefined)
  return i === tokens.length ? value : undefined
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
