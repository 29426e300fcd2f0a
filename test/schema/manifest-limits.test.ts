// Hostile manifests: one clear line each, in bounded time and memory. A size cap; an error in
// a large JSON manifest located by a linear scan (the position-keeping YAML parser took 11 s and
// 425 MB on a 6 MB manifest); a syntax error in large YAML located by the parser that found it.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ManifestError } from '../../src/errors.js'
import { jsonErrorLine, jsonPathLine } from '../../src/schema/json-error.js'
import { loadManifest, MANIFEST_MAX_BYTES, parseManifest } from '../../src/schema/manifest.js'
import { spawnCli } from '../helpers/cli.js'

/** A manifest of `tables` tables of 20 columns, pretty-printed (one key a line). */
function bigManifest (tables: number): Record<string, unknown> {
  const all: Record<string, unknown> = {}
  for (let i = 0; i < tables; i++) {
    const columns: Record<string, unknown> = {}
    for (let j = 0; j < 20; j++) columns[`column_${j}`] = { type: 'character varying(255)', nullable: j % 2 === 0 }
    all[`table_${i}`] = { columns }
  }
  return { version: 1, tables: all }
}

t.test('jsonPathLine finds the key a path ends at, skipping everything else', async (t) => {
  const text = '{\n "a": {"x": [1, {"y": "}]\\"{["}],\n  "b\\u0022c": 2},\n "tables": [\n  10,\n  {"k":\n   true}\n ]\n}'
  t.equal(jsonPathLine(text, ['a']), 2)
  t.equal(jsonPathLine(text, ['a', 'b"c']), 3, 'an escaped key')
  t.equal(jsonPathLine(text, ['tables', 1, 'k']), 6, 'through a list, past a string full of brackets')
  t.equal(jsonPathLine(text, ['tables', 1, 'nope']), 6, 'a missing key: the deepest that is there')
  t.equal(jsonPathLine(text, []), 1)
})

t.test('jsonErrorLine: the line of the first syntax error, however deep', async (t) => {
  t.equal(jsonErrorLine('{"a": [1, 2]}'), undefined)
  t.equal(jsonErrorLine('{\n"a": [1,\n2,,\n]}'), 3)
  t.equal(jsonErrorLine('[' + '['.repeat(200_000) + '\n]'), 2, 'deep nesting does not exhaust the stack')
  t.equal(jsonErrorLine('{"a": "tab\there"}'), 1, 'a raw control character in a string')
})

t.test('a 4.7 MB JSON manifest with one bad value: one line, at its line, under a small heap', async (t) => {
  const dir = t.testdir({})
  const manifest = bigManifest(2600)
  const columns = ((manifest.tables as Record<string, { columns: Record<string, { nullable: unknown }> }>).table_2598!.columns)
  columns.column_7!.nullable = 'no'
  const text = JSON.stringify(manifest, null, 1)
  t.ok(text.length > 4.5e6 && text.length < 5e6, `${(text.length / 1e6).toFixed(1)} MB`)
  const file = join(dir, 'big.json')
  writeFileSync(file, text)
  const line = text.slice(0, text.indexOf('"nullable": "no"')).split('\n').length
  // Under a heap ceiling that a second, position-keeping parse of the file would blow.
  const run = await spawnCli(['check'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', EXPECTED_SCHEMA: file, NODE_OPTIONS: '--max-old-space-size=96' })
  t.equal(run.code, 2)
  t.equal(run.stderr, `schema-sentinel: ${file} at tables.table_2598.columns.column_7.nullable (line ${line}): must be true or false, got "no"\n`)
})

t.test('a manifest over the size limit is refused before it is parsed', async (t) => {
  const dir = t.testdir({})
  const file = join(dir, 'huge.json')
  writeFileSync(file, JSON.stringify(bigManifest(1)).replace('{', '{"pad": "' + 'x'.repeat(MANIFEST_MAX_BYTES) + '", '))
  await t.rejects(loadManifest(file), { name: 'ManifestError', message: `${file}: is larger than 16 MB, the most a manifest may be` })
  await t.rejects(loadManifest('/dev/zero'), { name: 'ManifestError', message: '/dev/zero: is larger than 16 MB, the most a manifest may be' }, 'an endless device is cut off too')
  const run = await spawnCli(['check'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', EXPECTED_SCHEMA: file })
  t.equal(run.code, 2)
  t.equal(run.stderr, `schema-sentinel: ${file}: is larger than 16 MB, the most a manifest may be\n`)
})

t.test('a syntax error in large YAML is located without parsing it again', async (t) => {
  const lines = ['version: 1', 'tables:']
  for (let i = 0; i < 6000; i++) lines.push(`  table_${i}:`, '    columns:', ...Array.from({ length: 10 }, (_, j) => `      column_${j}: { type: text, nullable: true }`))
  const at = lines.length - 5
  lines[at] = '      column_0: text' // a second column_0 in the last table
  const text = lines.join('\n') + '\n'
  t.ok(text.length > 1024 * 1024, 'larger than what is parsed twice')
  const err = t.throws(() => parseManifest(text, 'big.yaml'), ManifestError) as ManifestError
  t.equal(err.message, `big.yaml at line ${at + 1}: malformed YAML: duplicated mapping key`)
  t.notMatch(err.message, /\n/)
  // A value error in large YAML names the path (the line would take the second parser).
  const bad = text.replace(lines[at]!, '      broken: { type: text, nullable: maybe }')
  t.equal((t.throws(() => parseManifest(bad, 'big.yaml'), ManifestError) as ManifestError).message,
    'big.yaml at tables.table_5999.columns.broken.nullable: must be true or false, got "maybe"')
})
