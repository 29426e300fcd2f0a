// Text for terminals: names and values from the database or from files never reach one raw.
// A table named with ESC sequences could clear the screen or set the window title; one with a
// line break could print a forged result line.

// C0 and C1 controls and DEL, Unicode line and paragraph separators, and the bidirectional
// formatting characters that reorder what is shown.
const CONTROLS = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' }

/** The text with every control character written as an escape (`\n`, `\e`, `\u0007`). */
export function escapeControls (text: string): string {
  return text.replace(CONTROLS, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
