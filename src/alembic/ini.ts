// The part of Python's configparser that Alembic uses to read alembic.ini: sections, `key =`
// or `key:` options (keys lower-cased), full-line comments (# and ;, never inline), values
// continued on more-indented lines (blank lines kept inside, trailing ones dropped), strict
// duplicate checks, and BasicInterpolation of %(name)s with defaults such as %(here)s.
import { AlembicInterpolationError, AlembicIniSyntaxError } from './config-errors.js'

interface RawOption { lines: string[], line: number }
type Section = Map<string, RawOption>

export interface Ini {
  readonly file: string
  has (section: string): boolean
  /** The interpolated value, or undefined when neither the section nor the defaults set it. */
  get (section: string, key: string): string | undefined
  /** 1-based line where `key` is set in `section` (or in [DEFAULT]). */
  lineOf (section: string, key: string): number | undefined
}

const SECTION = /^\[(.+)\]/
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/s
const DEFAULT_SECTION = 'DEFAULT'
const MAX_INTERPOLATION_DEPTH = 10

/** Parses `text` as configparser.ConfigParser(defaults) would after read(file). */
export function parseIni (text: string, file: string, defaults: Readonly<Record<string, string>>): Ini {
  const sections = new Map<string, Section>()
  const defaultSection: Section = new Map(Object.entries(defaults).map(([k, v]) => [k.toLowerCase(), { lines: [v], line: 0 }]))
  const added = new Set<string>()
  let current: Section | undefined
  let currentName: string | undefined
  let option: RawOption | undefined
  let indentLevel = 0
  // Python reads text files with universal newlines.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((line, i) => {
    const lineno = i + 1
    const stripped = line.trim()
    const comment = stripped.startsWith('#') || stripped.startsWith(';')
    const value = comment ? '' : stripped
    if (value === '') {
      // A blank line may belong to a multi-line value; a comment line never does.
      if (!comment && option !== undefined) option.lines.push('')
      return
    }
    const indent = line.search(/\S/)
    if (current !== undefined && option !== undefined && indent > indentLevel) {
      option.lines.push(value)
      return
    }
    indentLevel = indent
    const header = SECTION.exec(value)
    if (header !== null) {
      const name = header[1]!
      if (name === DEFAULT_SECTION) {
        current = defaultSection
      } else {
        if (added.has(name)) throw new AlembicIniSyntaxError(file, lineno, 'duplicate_section', name)
        added.add(name)
        current = sections.get(name) ?? new Map()
        sections.set(name, current)
      }
      currentName = name
      option = undefined
      return
    }
    if (current === undefined) throw new AlembicIniSyntaxError(file, lineno, 'no_section_header')
    const match = OPTION.exec(value)
    if (match === null || match[1]!.trimEnd() === '') throw new AlembicIniSyntaxError(file, lineno, 'not_an_option')
    const key = match[1]!.trimEnd().toLowerCase()
    const id = `${currentName ?? ''}\0${key}`
    if (added.has(id)) throw new AlembicIniSyntaxError(file, lineno, 'duplicate_option', key)
    added.add(id)
    option = { lines: [match[3]!.trim()], line: lineno }
    current.set(key, option)
  })

  const raw = (section: string, key: string): RawOption | undefined => sections.get(section)?.get(key) ?? defaultSection.get(key)
  const joined = (opt: RawOption): string => opt.lines.join('\n').trimEnd()
  return {
    file,
    has: (section) => sections.has(section),
    lineOf: (section, key) => raw(section, key.toLowerCase())?.line,
    get (section, key) {
      const opt = raw(section, key.toLowerCase())
      if (opt === undefined) return undefined
      const lookup = (name: string): string | undefined => {
        const o = raw(section, name)
        return o === undefined ? undefined : joined(o)
      }
      return interpolate(joined(opt), lookup, file, key, 1)
    }
  }
}

// configparser.BasicInterpolation._interpolate_some: %(name)s, %%, and nothing else after a %.
function interpolate (value: string, lookup: (name: string) => string | undefined, file: string, key: string, depth: number): string {
  if (depth > MAX_INTERPOLATION_DEPTH) throw new AlembicInterpolationError(file, key, 'too_deep')
  let out = ''
  let rest = value
  for (;;) {
    const p = rest.indexOf('%')
    if (p < 0) return out + rest
    out += rest.slice(0, p)
    rest = rest.slice(p)
    const next = rest[1]
    if (next === '%') {
      out += '%'
      rest = rest.slice(2)
    } else if (next === '(') {
      const ref = /^%\(([^)]+)\)s/.exec(rest)
      if (ref === null) throw new AlembicInterpolationError(file, key, 'bad_syntax')
      const name = ref[1]!.toLowerCase()
      rest = rest.slice(ref[0].length)
      const v = lookup(name)
      if (v === undefined) throw new AlembicInterpolationError(file, key, 'missing_name', name)
      out += v.includes('%') ? interpolate(v, lookup, file, key, depth + 1) : v
    } else {
      throw new AlembicInterpolationError(file, key, 'bad_syntax')
    }
  }
}
