// alembic.ini is read by Python's configparser; src/alembic/ini.ts follows its rules. Hand
// cases first, then seeded random files against configparser itself as the oracle.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { AlembicIniSyntaxError, AlembicInterpolationError } from '../../src/alembic/config-errors.js'
import { parseIni } from '../../src/alembic/ini.js'
import { AlembicError } from '../../src/alembic/errors.js'
import { pick, rng, type Rng } from '../helpers/rng.js'

const PYTHON = '/usr/bin/python3'
const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'ini-oracle.py')
const HERE = '/srv/app'

t.test('configparser rules Alembic depends on', async (t) => {
  const ini = parseIni([
    '# comment',
    '[alembic]',
    'script_location = %(here)s/alembic',
    'Version_Locations =',
    '    %(here)s/a',
    '',
    '    %(here)s/b',
    '  ; a comment inside stays out',
    'sqlalchemy.url: postgresql://x  # not an inline comment',
    'pct = 100%%',
    'ref = %(script_location)s/versions',
    '[DEFAULT]',
    'shared = from-default',
    '[other]',
    'x = 1'
  ].join('\r\n'), 'alembic.ini', { here: HERE })
  t.ok(ini.has('alembic'))
  t.notOk(ini.has('DEFAULT'), '[DEFAULT] is not a section')
  t.equal(ini.get('alembic', 'script_location'), `${HERE}/alembic`)
  t.equal(ini.get('alembic', 'version_locations'), `\n${HERE}/a\n\n${HERE}/b`, 'continuation lines, blank kept inside, keys lower-cased')
  t.equal(ini.lineOf('alembic', 'version_locations'), 4)
  t.equal(ini.get('alembic', 'sqlalchemy.url'), 'postgresql://x  # not an inline comment')
  t.equal(ini.get('alembic', 'pct'), '100%')
  t.equal(ini.get('alembic', 'ref'), `${HERE}/alembic/versions`, 'a reference to another key')
  t.equal(ini.get('alembic', 'shared'), 'from-default', '[DEFAULT] applies to every section')
  t.equal(ini.get('alembic', 'missing'), undefined)
})

t.test('refusals carry the line and what is wrong', async (t) => {
  const syntax = (text: string): AlembicIniSyntaxError => t.throws(() => parseIni(text, 'a.ini', {})) as AlembicIniSyntaxError
  t.match(syntax('key = 1\n'), { line: 1, problem: 'no_section_header', file: 'a.ini' })
  t.match(syntax('[alembic]\nx = 1\n[alembic]\n'), { line: 3, problem: 'duplicate_section', what: 'alembic' })
  t.match(syntax('[alembic]\nx = 1\nX = 2\n'), { line: 3, problem: 'duplicate_option', what: 'x' })
  t.match(syntax('[alembic]\njust words\n'), { line: 2, problem: 'not_an_option' })
  const interp = (value: string): AlembicInterpolationError =>
    t.throws(() => parseIni(`[alembic]\nk = ${value}\n`, 'a.ini', {}).get('alembic', 'k')) as AlembicInterpolationError
  t.match(interp('%(nope)s'), { key: 'k', problem: 'missing_name', reference: 'nope' })
  t.match(interp('50%'), { problem: 'bad_syntax' })
  t.match(interp('%(k)s'), { problem: 'too_deep' })
  t.ok(interp('%(k)s') instanceof AlembicError)
})

/** A random ini text from the pieces configparser treats specially. */
function randomIni (r: Rng): string {
  const lines: string[] = []
  const sections = ['alembic', 'alembic', 'DEFAULT', 'loggers', ' alembic ']
  const keys = ['script_location', 'version_locations', 'Path_Separator', 'here', 'x', 'y']
  const values = ['%(here)s/alembic', 'a b,c', '%(x)s/v', '%%(x)s', '50%', '%(y)s', '%(missing)s', '', 'a;b', 'plain', '%(script_location)s/more', 'x:y']
  if (r() < 0.05) lines.push('stray = before any section')
  lines.push(`[${r() < 0.8 ? 'alembic' : pick(r, sections)}]`)
  const n = 1 + Math.floor(r() * 10)
  for (let i = 0; i < n; i++) {
    const roll = r()
    if (roll < 0.1) lines.push(`[${pick(r, sections)}]${r() < 0.1 ? ' trailing' : ''}`)
    else if (roll < 0.7) lines.push(`${r() < 0.85 ? '' : pick(r, [' ', '\t'])}${pick(r, keys)}${pick(r, [' = ', '=', ': ', ' :'])}${pick(r, values)}`)
    else if (roll < 0.8) lines.push(`${pick(r, ['    ', '\t', ' '])}${pick(r, values)}`)
    else if (roll < 0.88) lines.push(pick(r, ['# c', '; c', '   # indented comment']))
    else if (roll < 0.95) lines.push(pick(r, ['', '   ']))
    else if (r() < 0.4) lines.push(pick(r, ['no delimiter here', '= no key']))
  }
  return lines.join(pick(r, ['\n', '\r\n'])) + (r() < 0.5 ? '\n' : '')
}

const probe = spawnSync(PYTHON, ['-c', 'import configparser'], { encoding: 'utf8' })
if (probe.status !== 0 && process.env.CI !== 'true') {
  t.test('configparser differential', { skip: `${PYTHON} is not available` }, async () => {})
} else {
  t.test('agrees with Python configparser on 2,000 random files', async (t) => {
    const r = rng(7_2024)
    const cases = Array.from({ length: 2000 }, () => randomIni(r))
    const sections = ['alembic', ' alembic ', 'loggers']
    const keys = ['script_location', 'version_locations', 'path_separator', 'here', 'x', 'y']
    const res = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify({ cases, sections, keys, here: HERE }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    t.equal(res.status, 0, res.stderr)
    const oracle = JSON.parse(res.stdout) as Array<{ error?: true, values?: Record<string, string | { error: string }> }>
    let errors = 0
    let values = 0
    cases.forEach((text, i) => {
      const want = oracle[i]!
      let ini
      try {
        ini = parseIni(text, 'a.ini', { here: HERE })
      } catch (err) {
        t.ok(want.error, `case ${i}: configparser also refuses ${JSON.stringify(text)} (we said ${(err as Error).message})`)
        errors++
        return
      }
      if (want.error === true) { t.fail(`case ${i}: configparser refuses ${JSON.stringify(text)}, we read it`); return }
      const got: Record<string, string | { error: string }> = {}
      for (const s of sections) {
        if (!ini.has(s)) continue
        for (const k of keys) {
          if (ini.lineOf(s, k) === undefined) continue
          try {
            got[`${s}\u0000${k}`] = ini.get(s, k)!
          } catch (err) {
            got[`${s}\u0000${k}`] = { error: err instanceof AlembicInterpolationError ? 'Interpolation' : String(err) }
          }
          values++
        }
      }
      const normal = Object.fromEntries(Object.entries(want.values!).map(([k, v]) => [k, typeof v === 'string' ? v : { error: v.error.startsWith('Interpolation') ? 'Interpolation' : v.error }]))
      t.same(got, normal, `case ${i}: ${JSON.stringify(text)}`)
    })
    t.ok(errors > 50 && values > 2000, `both kinds compared: ${errors} refused files, ${values} values`)
  })
}
