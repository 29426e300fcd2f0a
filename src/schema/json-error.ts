// Where JSON text first goes wrong. Node 20's JSON.parse often says only "Unexpected token"
// without a position, and a manifest error must name the line.

/** The 1-based line of the first syntax error, or undefined when the text is valid JSON. */
export function jsonErrorLine (text: string): number | undefined {
  let i = 0
  const fail = (): never => { throw new Error('at') }
  const ws = () => { while (/[ \t\r\n]/.test(text[i] ?? '')) i++ }
  const string = () => {
    if (text[i] !== '"') fail()
    i++
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail()
      if (text[i] === '\\') {
        i++
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 4 } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail()
      }
      i++
    }
    i++
  }
  const value = (): void => {
    ws()
    const ch = text[i]
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']'
      i++
      ws()
      if (text[i] === close) { i++; return }
      for (;;) {
        if (close === '}') { ws(); string(); ws(); if (text[i] !== ':') fail(); i++ }
        value()
        ws()
        if (text[i] === ',') { i++; continue }
        if (text[i] === close) { i++; return }
        fail()
      }
    }
    if (ch === '"') { string(); return }
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i))
    if (literal === null) fail()
    i += literal![0].length
  }
  try {
    value()
    ws()
    if (i < text.length) fail()
    return undefined
  } catch {
    return text.slice(0, Math.min(i, text.length)).split('\n').length
  }
}
