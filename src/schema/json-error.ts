// Where things are in JSON text, found by scanning it once, without building anything: a
// manifest error must name its line, and parsing a large manifest a second time with a
// position-keeping parser took seconds and hundreds of MB. Node 20's JSON.parse often says only
// "Unexpected token" without a position.

type Segment = string | number

const WS = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** The 1-based line of an offset. */
export function lineAt (text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** The 1-based line of the first syntax error, or undefined when the text is valid JSON. */
export function jsonErrorLine (text: string): number | undefined {
  let i = 0
  const fail = (): never => { throw new SyntaxError('at') }
  const ws = (): void => { while (i < text.length && WS(text.charCodeAt(i))) i++ }
  const string = (): void => {
    if (text[i] !== '"') fail()
    i++
    for (;;) {
      const c = text.charCodeAt(i)
      if (Number.isNaN(c) || c < 0x20) fail()
      if (c === 0x22) break
      if (c === 0x5c) {
        i++
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 4 } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail()
      }
      i++
    }
    i++
  }
  const LITERAL = /true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
  // Containers on an explicit stack: a deeply nested file cannot exhaust the call stack.
  const open: string[] = []
  try {
    for (;;) {
      // A value.
      ws()
      const ch = text[i]
      if (ch === '{' || ch === '[') {
        i++
        ws()
        if (text[i] === (ch === '{' ? '}' : ']')) { i++ } else {
          open.push(ch === '{' ? '}' : ']')
          if (ch === '{') { string(); ws(); if (text[i] !== ':') fail(); i++ }
          continue
        }
      } else if (ch === '"') {
        string()
      } else {
        LITERAL.lastIndex = i
        if (LITERAL.exec(text) === null) fail()
        i = LITERAL.lastIndex
      }
      // After a value: the rest of its containers.
      for (;;) {
        ws()
        const close = open.at(-1)
        if (close === undefined) {
          if (i < text.length) fail()
          return undefined
        }
        if (text[i] === ',') {
          i++
          if (close === '}') { ws(); string(); ws(); if (text[i] !== ':') fail(); i++ }
          break
        }
        if (text[i] !== close) fail()
        i++
        open.pop()
      }
    }
  } catch {
    return lineAt(text, Math.min(i, text.length))
  }
}

/** Index just past the JSON string starting at `i` (text known to be valid JSON). */
function skipString (text: string, i: number): number {
  let j = i + 1
  for (;;) {
    const k = text.indexOf('"', j)
    if (k === -1) return text.length
    let backslashes = 0
    while (text.charCodeAt(k - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return k + 1
    j = k + 1
  }
}

/** Index just past the JSON value starting at `i` (text known to be valid JSON). */
function skipValue (text: string, i: number): number {
  const c = text[i]
  if (c === '"') return skipString(text, i)
  if (c !== '{' && c !== '[') {
    while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++
    return i
  }
  let depth = 0
  while (i < text.length) {
    const d = text[i]
    if (d === '"') { i = skipString(text, i); continue }
    if (d === '{' || d === '[') depth++
    else if ((d === '}' || d === ']') && --depth === 0) return i + 1
    i++
  }
  return i
}

/**
 * The 1-based line of the key (or item) a path ends at, in text that JSON.parse accepted; as
 * deep as the path goes when a segment is not there. Skips what is off the path without parsing it.
 */
export function jsonPathLine (text: string, path: readonly Segment[]): number {
  let i = 0
  const ws = (): void => { while (i < text.length && WS(text.charCodeAt(i))) i++ }
  ws()
  let found = i
  for (const segment of path) {
    const container = text[i]
    if (container !== '{' && container !== '[') break
    i++
    let index = 0
    let hit = false
    for (;;) {
      ws()
      if (text[i] === '}' || text[i] === ']' || i >= text.length) break
      const start = i
      if (container === '{') {
        const end = skipString(text, i)
        const raw = text.slice(i + 1, end - 1)
        const key = raw.includes('\\') ? JSON.parse(text.slice(i, end)) as string : raw
        i = end
        ws()
        i++ // the colon
        ws()
        if (key === segment) { hit = true; found = start; break }
      } else if (index === segment) {
        hit = true; found = start; break
      }
      i = skipValue(text, i)
      ws()
      if (text[i] === ',') i++
      index++
    }
    if (!hit) break
  }
  return lineAt(text, found)
}
