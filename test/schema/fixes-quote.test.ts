// Quoting checked against the real parsers: PostgreSQL's quote_ident() for identifiers (every
// keyword of the running server, and odd names), Python for string literals.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import t from 'tap'
import { pyString, quoteIdent } from '../../src/schema/fixes/quote.js'
import { startPostgres } from '../helpers/postgres.js'
import { PYTHON } from '../helpers/python.js'

const ODD = ['pdfs', 'Order', 'my table', 'say "hi"', 'a$b', '_x', '1st', 'é', 'pct%:x', 'x\ny', 'UPPER', 'snake_case_9', "it's"]

t.test('quoteIdent agrees with quote_ident() on every keyword and odd names', async (t) => {
  const server = await startPostgres()
  t.teardown(() => server.destroy())
  const words = (await server.query<{ word: string }>('SELECT word FROM pg_catalog.pg_get_keywords()')).map((r) => r.word)
  t.ok(words.length > 400, `${words.length} keywords`)
  const names = [...words, ...ODD]
  const quoted = await server.query<{ name: string, quoted: string }>('SELECT n AS name, pg_catalog.quote_ident(n) AS quoted FROM pg_catalog.unnest($1::text[]) n', [names])
  const differ = quoted.filter((r) => quoteIdent(r.name) !== r.quoted).map((r) => `${r.name}: ${quoteIdent(r.name)} vs ${r.quoted}`)
  t.same(differ, [], 'no difference')
})

const noPython = existsSync(PYTHON) ? false : process.env.CI === 'true' ? false : `${PYTHON} is not installed`
t.test('pyString is read back by Python as the same text', { skip: noPython }, async (t) => {
  const texts = [...ODD, "'[]'::json", 'back\\slash', '"\'', 'tab\there', 'nul\u0000', 'line\u2028sep', 'emoji 🎉', 'del\u007f']
  const source = `import json\nprint(json.dumps([${texts.map(pyString).join(', ')}]))\n`
  const out = execFileSync(PYTHON, ['-c', source], { encoding: 'utf8' })
  t.same(JSON.parse(out), texts)
})
