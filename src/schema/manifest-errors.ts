// Where a manifest goes wrong, said the way people write manifests: a path (`tables.pdfs.columns.id`),
// the line it starts on, and the problem in words rather than JSON Schema keywords.
import type { ErrorObject } from 'ajv'
import { isMap, isSeq, type Document } from 'yaml'
import type { Json, Segment } from './manifest-text.js'

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', object: 'a mapping', boolean: 'true or false', array: 'a list', null: 'null', number: 'a number', integer: 'an integer'
}

export function explain (error: ErrorObject, data: Json): { path: Segment[], problem: string } {
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
    case 'minItems':
      return { path, problem: 'must list at least one column' }
    case 'minProperties':
      return { path, problem: 'must give a name or an expression' }
    case 'enum':
      return { path, problem: `${describe(value)} is not one of ${(error.params.allowedValues as unknown[]).join(', ')}` }
    case 'maxLength':
      return { path, problem: `${describe(value)} is longer than ${error.params.limit as number} characters` }
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

export function describe (value: Json): string {
  if (value === null) return 'nothing (null)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

/** Offset of the key (or item) a path ends at, so a message points at the line people look for. */
export function offsetOf (doc: Document, path: readonly Segment[]): number | undefined {
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

