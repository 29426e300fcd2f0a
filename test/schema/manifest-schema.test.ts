// The manifest loader compiles schema/manifest.schema.json without checking it against its
// meta-schema (to start faster), so the check happens here.
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import t from 'tap'

const schema = JSON.parse(readFileSync(new URL('../../schema/manifest.schema.json', import.meta.url), 'utf8')) as object

t.test('schema/manifest.schema.json is a valid draft-07 JSON Schema', async (t) => {
  const ajv = new Ajv({ allowUnionTypes: true })
  t.equal(ajv.validateSchema(schema), true, ajv.errorsText(ajv.errors))
})

t.test('it compiles in strict mode, as the loader compiles it', async (t) => {
  t.doesNotThrow(() => new Ajv({ allowUnionTypes: true, strict: true }).compile(schema))
})
