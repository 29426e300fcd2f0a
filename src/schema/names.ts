// Table names in a manifest: `pdfs`, `audit.events`, or quoted parts (`"odd.name"`) when a
// name itself holds a dot. Names compare exactly as written (as the catalog stores them).

export interface TableName {
  readonly schema?: string
  readonly name: string
}

/** Parses a manifest table key; undefined when it is not `table` or `schema.table`. */
export function parseTableKey (key: string): TableName | undefined {
  const parts: string[] = []
  let i = 0
  while (i <= key.length) {
    if (key[i] === '"') {
      let j = i + 1
      let part = ''
      for (;;) {
        if (j >= key.length) return undefined
        if (key[j] === '"') {
          if (key[j + 1] === '"') { part += '"'; j += 2; continue }
          break
        }
        part += key[j++]
      }
      parts.push(part)
      i = j + 1
    } else {
      const end = key.indexOf('.', i)
      parts.push(key.slice(i, end < 0 ? key.length : end))
      i = end < 0 ? key.length : end
    }
    if (i >= key.length) break
    if (key[i] !== '.') return undefined
    i++
    if (i === key.length) return undefined
  }
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => p === '' || p.trim() !== p)) return undefined
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! }
}

function keyPart (part: string): string {
  return /[."]/.test(part) ? `"${part.replace(/"/g, '""')}"` : part
}

/** The manifest key for a table: unqualified in the default schema, else `schema.table`. */
export function formatTableKey (schema: string, name: string, defaultSchema: string | undefined): string {
  return schema === defaultSchema ? keyPart(name) : `${keyPart(schema)}.${keyPart(name)}`
}

/** `schema.table` for people (findings, messages). */
export function qualified (schema: string, name: string): string {
  return `${schema}.${name}`
}
