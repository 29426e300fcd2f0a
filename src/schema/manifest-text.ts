// Manifest text to plain data: JSON.parse for JSON, js-yaml for YAML with the `yaml` library as
// the authority where js-yaml gives up; syntax errors as one line with the line number.
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml'
import type { Document } from 'yaml'
import { ManifestError } from '../errors.js'
import { jsonErrorLine } from './json-error.js'

export type Segment = string | number
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * js-yaml reads a 500-table manifest in about 0.1 s; the \`yaml\` library, which keeps every
 * node's position for error messages, takes 0.8 s and grows RSS by some 50 MB (1,000 tables:
 * 1.3 s, 200 MB). So js-yaml reads, and \`yaml\` is the authority whenever js-yaml gives up
 * (a syntax error, a duplicate key, an unknown tag) or the document uses aliases to
 * collections (js-yaml shares them, and has no limit on alias expansion): undefined then.
 */
export function fastYaml (text: string, failed: (error: { line: number, reason: string }) => void): Json | undefined {
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


export function syntaxError (file: string, format: 'JSON' | 'YAML', text: string, doc: Document | undefined, message: string): ManifestError {
  const offset = doc?.errors[0]?.pos[0]
  const line = format === 'JSON' ? jsonErrorLine(text) : offset !== undefined ? text.slice(0, offset).split('\n').length : undefined
  // Drop what the parsers add after the sentence: positions, a code excerpt, the quoted input.
  let problem = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
  if (format === 'JSON') problem = problem.replace(/, (\.\.\.)?"[^]*$/, '').replace(/ in JSON at position \d+.*$/, '')
  return new ManifestError(file, line !== undefined ? `line ${line}` : '', `malformed ${format}: ${problem}`)
}
