// Loads an expected-schema manifest (JSON or YAML), checks it against schema/manifest.schema.json,
// and builds the ExpectedSchema. Every error names the file, the path inside it, the line and the problem.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv'
import { LineCounter, parseDocument, type Document } from 'yaml'
import { ManifestError } from '../errors.js'
import { FileTooLarge, readBounded } from './bounded-read.js'
import type { ExpectedSchema } from './expected.js'
import { jsonPathLine } from './json-error.js'
import { buildSchema, type RawManifest } from './manifest-build.js'
import { describe, explain, formatPath, offsetOf } from './manifest-errors.js'
import { fastYaml, syntaxError, type Json, type Segment } from './manifest-text.js'

export { formatPath } from './manifest-errors.js'
export const MANIFEST_VERSION = 1
/**
 * A manifest of 20,000 tables with columns only is about 16 MB as JSON (with keys, indexes and
 * checks as snapshot writes them, some 8,000 tables); more is not a manifest.
 */
export const MANIFEST_MAX_BYTES = 16 * 1024 * 1024
/** Larger YAML is not parsed a second time (by the position-keeping parser) to find an error's line. */
const YAML_RELOCATE_MAX_BYTES = 1024 * 1024
// src/schema/ and dist/schema/ are both two levels below the package root.
const SCHEMA_URL = new URL('../../schema/manifest.schema.json', import.meta.url)

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
  // Editors on Windows save UTF-8 with a byte order mark; YAML readers skip it, JSON.parse does not.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
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
