// Control characters from the database or from files never reach a terminal raw.
import t from 'tap'
import { describeError } from '../../src/postgres/describe-error.js'
import { escapeControls } from '../../src/render/escape.js'

t.test('each kind of control character is escaped, the rest is kept', async (t) => {
  const cases: Array<[string, string]> = [
    ['plain_name', 'plain_name'],
    ['über_tablé 表', 'über_tablé 表'],
    ['a\nb\r\tc', 'a\\nb\\r\\tc'],
    ['\u001b]0;pwned\u0007\u001b[2J', '\\e]0;pwned\\u0007\\e[2J'],
    ['nul\u0000del\u007fc1\u009b', 'nul\\u0000del\\u007fc1\\u009b'],
    ['line\u2028para\u2029', 'line\\u2028para\\u2029'],
    ['rtl\u202eoverride\u2066isolate\u200f', 'rtl\\u202eoverride\\u2066isolate\\u200f'],
    ['back\\slash', 'back\\slash']
  ]
  for (const [raw, shown] of cases) t.equal(escapeControls(raw), shown, shown) // the name must not carry the raw characters into TAP
})

t.test('a database error is one line with nothing raw in it', async (t) => {
  const err = Object.assign(new Error('relation "x\u001b[2J\ny" does not exist'), { code: '42P01' })
  t.equal(describeError(err), 'relation "x\\e[2J y" does not exist (SQLSTATE 42P01)')
})
