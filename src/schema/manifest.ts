// Loads an expected-schema manifest (JSON or YAML), checks it against schema/manifest.schema.json,
// and expands the shorthands. Every error names the file, the path inside it, the line and the problem.
import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml'
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { ManifestError } from '../errors.js'
import type { ExpectedColumn, ExpectedSchema, ExpectedTable } from '../expectation.js'
import { FileTooLarge, readBounded } from './bounded-read.js'
import { jsonErrorLine, jsonPathLine } from './json-error.js'
import { parseTableKey } from './names.js'
import { parseType, TypeSyntaxError } from './normalise.js'

export const MANIFEST_VERSION = 1
/** A manifest of 20,000 tables is about 16 MB as JSON; more is not a manifest. */
export const MANIFEST_MAX_BYTES = 16 * 1024 * 1024
/** Larger YAML is not parsed a second time (by the position-keeping parser) to find an error's line. */
const YAML_RELOCATE_MAX_BYTES = 1024 * 1024
// src/schema/ and dist/schema/ are both two levels below the package root.
const SCHEMA_URL = new URL('../../schema/manifest.schema.json', import.meta.url)

type Segment = string | number
type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

let compiled: ValidateFunction | undefined
function validate (data: unknown): ErrorObject | undefined {
  // Compiled on first use: a service without a manifest never reads the schema file. The file
  // ships with us and test/schema/manifest-schema.test.ts checks it against the meta-schema, so
  // start-up does not (compiling the meta-schema is three quarters of the compile time).
  const check = compiled ??= new Ajv({ allErrors: false, allowUnionTypes: true, verbose: true, validateSchema: false })
    .compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object)
  return check(data) ? undefined : check.errors?.[0]
}

export async function loadManifest (file: string): Promise<ExpectedSchema> {
  let text: string
  try {
    text = await readBounded(file, MANIFEST_MAX_BYTES)
  } catch (err) {
    if (err instanceof FileTooLarge) throw new ManifestError(file, '', `is larger than ${MANIFEST_MAX_BYTES / 1024 / 1024} MB, the most a manifest may be`)
    const code = (err as NodeJS.ErrnoException).code
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a manifest file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`
    throw new ManifestError(file, '', problem, { cause: err })
  }
  return parseManifest(text, file)
}

/** Parses manifest text; `file` names it in errors and decides JSON (`.json`) or YAML. */
export function parseManifest (text: string, file: string): ExpectedSchema {
  const json = /\.json$/i.test(file) || (!/\.ya?ml$/i.test(file) && /^\s*\{/.test(text))
  const lines = new LineCounter()
  // The position-keeping YAML parser takes 20 s and hundreds of MB on a 5,000-table manifest:
  // JSON errors are located by a linear scan instead, large YAML ones by path alone.
  let parsed: Document | undefined
  const doc = (): Document => parsed ??= parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const lineOf = (path: readonly Segment[]): number | undefined => {
    if (json) return jsonPathLine(text, path)
    if (text.length > YAML_RELOCATE_MAX_BYTES) return undefined
    const offset = offsetOf(doc(), path)
    return offset !== undefined ? lines.linePos(offset).line : undefined
  }
  const where = (path: readonly Segment[], problem: string): ManifestError => {
    const number = lineOf(path)
    const line = number !== undefined ? `line ${number}` : ''
    const at = path.length === 0 ? line : `${formatPath(path)}${line !== '' ? ` (${line})` : ''}`
    return new ManifestError(file, at, problem)
  }

  let data: Json
  if (json) {
    try {
      data = JSON.parse(text) as Json
    } catch (err) {
      throw syntaxError(file, 'JSON', text, undefined, (err as Error).message)
    }
  } else {
    let failure: { line: number, reason: string } | undefined
    const fast = fastYaml(text, (e) => { failure = e })
    if (fast !== undefined) {
      data = fast
    } else if (failure !== undefined && text.length > YAML_RELOCATE_MAX_BYTES) {
      throw new ManifestError(file, `line ${failure.line}`, `malformed YAML: ${failure.reason}`)
    } else {
      if (doc().errors.length > 0) throw syntaxError(file, 'YAML', text, doc(), doc().errors[0]!.message)
      try {
        data = doc().toJS({ maxAliasCount: 100 }) as Json
      } catch (err) {
        // An alias bomb: "Excessive alias count indicates a resource exhaustion attack".
        throw new ManifestError(file, '', `malformed YAML: ${(err as Error).message}`)
      }
    }
  }

  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ManifestError(file, '', `must be a mapping with "version: ${MANIFEST_VERSION}" and "tables", got ${describe(data)}`)
  }
  if (!('version' in data)) throw where([], `missing "version" (this schema-sentinel reads version: ${MANIFEST_VERSION})`)
  if (data.version !== MANIFEST_VERSION) {
    throw where(['version'], `unsupported manifest version ${describe(data.version ?? null)} (this schema-sentinel reads version: ${MANIFEST_VERSION})`)
  }
  const error = validate(data)
  if (error !== undefined) {
    const { path, problem } = explain(error, data)
    throw where(path, problem)
  }
  return buildSchema(file, data as unknown as RawManifest, where)
}

/**
 * js-yaml reads a 500-table manifest in about 0.1 s; the \`yaml\` library, which keeps every
 * node's position for error messages, takes 0.8 s and grows RSS by some 50 MB (1,000 tables:
 * 1.3 s, 200 MB). So js-yaml reads, and \`yaml\` is the authority whenever js-yaml gives up
 * (a syntax error, a duplicate key, an unknown tag) or the document uses aliases to
 * collections (js-yaml shares them, and has no limit on alias expansion): undefined then.
 */
function fastYaml (text: string, failed: (error: { line: number, reason: string }) => void): Json | undefined {
  let data: unknown
  try {
    data = loadYaml(text, { schema: CORE_SCHEMA })
  } catch (err) {
    const e = err as { mark?: { line?: number }, reason?: string, message?: string }
    failed({ line: (e.mark?.line ?? 0) + 1, reason: e.reason ?? e.message ?? 'cannot be read' })
    return undefined
  }
  return isTree(data) ? data as Json : undefined
}

/** True when no object or array is reached twice: nothing came from an alias to a collection. */
function isTree (root: unknown): boolean {
  const seen = new Set<object>()
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (value === null || typeof value !== 'object') continue
    if (seen.has(value)) return false
    seen.add(value)
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push(child)
    }
  }
  return true
}

interface RawManifest {
  alembic?: { heads?: string[] }
  tables: Record<string, { columns: Record<string, string | null | { type?: string, nullable?: boolean, default?: string | number | boolean | null }> }>
}

function buildSchema (file: string, raw: RawManifest, where: (path: Segment[], problem: string) => ManifestError): ExpectedSchema {
  const tables: ExpectedTable[] = []
  const validTypes = new Set<string>() // the same few type names repeat across thousands of columns
  const shape = shapes()
  for (const [key, table] of Object.entries(raw.tables)) {
    const name = parseTableKey(key)
    if (name === undefined) throw where(['tables', key], `"${key}" is not a table name (table or schema.table; quote a part that holds a dot)`)
    const columns = new Map<string, ExpectedColumn>()
    const specs = table.columns
    // for...in and plain values, no entries or objects per column: this runs 100,000 times in a big app.
    for (const column in specs) {
      const spec = specs[column]
      let type: string | undefined
      let nullable: boolean | undefined
      let def: string | null | undefined
      if (typeof spec === 'string') {
        type = spec
      } else if (spec !== null && spec !== undefined) {
        type = spec.type
        nullable = spec.nullable
        // YAML reads `default: 0` as a number; the catalog's default is text.
        if ('default' in spec) def = spec.default === null || spec.default === undefined ? null : String(spec.default)
      }
      if (type !== undefined && !validTypes.has(type)) {
        try {
          parseType(type)
          validTypes.add(type)
        } catch (err) {
          if (!(err instanceof TypeSyntaxError)) throw err
          const at = ['tables', key, 'columns', column]
          throw where(typeof spec === 'string' ? at : [...at, 'type'], err.message)
        }
      }
      columns.set(column, shape(type, nullable, def))
    }
    tables.push(Object.freeze({ ...name, columns }))
  }
  const heads = raw.alembic?.heads
  return Object.freeze({
    file,
    tables: Object.freeze(tables),
    ...(heads !== undefined ? { alembicHeads: Object.freeze([...heads]) } : {})
  })
}

/**
 * Equal column specs as one frozen object: a big app repeats a few dozen shapes across 100,000
 * columns. Found by their three parts in nested maps, so a column allocates nothing unless its
 * shape is new. `undefined` (not checked) and `null` (must have none) are different keys.
 */
function shapes (): (type: string | undefined, nullable: boolean | undefined, def: string | null | undefined) => ExpectedColumn {
  const byType = new Map<string | undefined, Map<boolean | undefined, Map<string | null | undefined, ExpectedColumn>>>()
  return (type, nullable, def) => {
    let byNullable = byType.get(type)
    if (byNullable === undefined) byType.set(type, byNullable = new Map())
    let byDefault = byNullable.get(nullable)
    if (byDefault === undefined) byNullable.set(nullable, byDefault = new Map())
    let spec = byDefault.get(def)
    if (spec === undefined) {
      const fresh: { type?: string, nullable?: boolean, default?: string | null } = {}
      if (type !== undefined) fresh.type = type
      if (nullable !== undefined) fresh.nullable = nullable
      if (def !== undefined) fresh.default = def
      byDefault.set(def, spec = Object.freeze(fresh))
    }
    return spec
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', object: 'a mapping', boolean: 'true or false', array: 'a list', null: 'null', number: 'a number', integer: 'an integer'
}

function explain (error: ErrorObject, data: Json): { path: Segment[], problem: string } {
  const path = pointer(error.instancePath)
  const value = valueAt(data, path)
  switch (error.keyword) {
    case 'type': {
      const types = ([] as string[]).concat(error.params.type as string | string[])
      // A column may be a type name, a mapping or null; say it the way people write it.
      const words = types.includes('object') && types.includes('string') && types.includes('null')
        ? 'a type name, a mapping (type, nullable, default) or {}'
        : types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')
      return { path, problem: `must be ${words}, got ${describe(value)}` }
    }
    case 'additionalProperties': {
      const key = error.params.additionalProperty as string
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      return { path: [...path, key], problem: `unknown key "${key}"${allowed.length > 0 ? ` (expected ${allowed.join(', ')})` : ''}` }
    }
    case 'required':
      return { path, problem: `missing "${error.params.missingProperty as string}"` }
    case 'minLength':
      return { path, problem: 'must not be empty' }
    case 'pattern':
      return { path, problem: `${describe(value)} is not a revision id (letters, digits, _ . -)` }
    default:
      return { path, problem: `${error.message ?? 'is invalid'}` }
  }
}

function pointer (instancePath: string): Segment[] {
  if (instancePath === '') return []
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => /^\d+$/.test(s) ? Number(s) : s)
}

function valueAt (data: Json, path: readonly Segment[]): Json {
  let v: Json | undefined = data
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<string, Json>)[s] : undefined
  return v ?? null
}

/** `tables.pdfs.columns.id.nullable`; a key that is not a plain name is bracketed: `tables["audit.events"]`. */
export function formatPath (path: readonly Segment[]): string {
  return path.map((s, i) => typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_$]*$/.test(s) ? `${i > 0 ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`).join('')
}

function describe (value: Json): string {
  if (value === null) return 'nothing (null)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

/** Offset of the key (or item) a path ends at, so a message points at the line people look for. */
function offsetOf (doc: Document, path: readonly Segment[]): number | undefined {
  let node: unknown = doc.contents
  let offset = (node as { range?: number[] } | null)?.range?.[0]
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment)
      if (pair === undefined) return offset
      offset = (pair.key as { range?: number[] }).range?.[0] ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment]
      offset = (node as { range?: number[] } | null)?.range?.[0] ?? offset
    } else {
      return offset
    }
  }
  return offset
}

function syntaxError (file: string, format: 'JSON' | 'YAML', text: string, doc: Document | undefined, message: string): ManifestError {
  const offset = doc?.errors[0]?.pos[0]
  const line = format === 'JSON' ? jsonErrorLine(text) : offset !== undefined ? text.slice(0, offset).split('\n').length : undefined
  // Drop what the parsers add after the sentence: positions, a code excerpt, the quoted input.
  let problem = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
  if (format === 'JSON') problem = problem.replace(/, (\.\.\.)?"[^]*$/, '').replace(/ in JSON at position \d+.*$/, '')
  return new ManifestError(file, line !== undefined ? `line ${line}` : '', `malformed ${format}: ${problem}`)
}
