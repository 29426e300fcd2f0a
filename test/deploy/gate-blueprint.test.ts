// README "Gate your deploys": the app's render.yaml shown there is a valid Blueprint (the vendored
// Render schema), and it wires what the gate needs: the exporter posting with --adopt before the
// release takes traffic, the token from the sentinel's DEPLOY_TOKEN, a URL with a scheme.
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t from 'tap'
import { parse } from 'yaml'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## Gate your deploys'))
const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
const schema = JSON.parse(readFileSync(new URL('../fixtures/render-blueprint.schema.json', import.meta.url), 'utf8'))

t.test('the blueprint in README "Gate your deploys" is valid', async (t) => {
  t.ok(yaml, 'the section has a yaml block')
  const blueprint = parse(yaml!)
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema)
  t.ok(validate(blueprint), JSON.stringify(validate.errors))
  const broken = structuredClone(blueprint)
  broken.services[0].envVars[2].fromService.type = 'nonsense'
  t.notOk(validate(broken), 'the schema does catch a wrong fromService')
})

t.test('the blueprint wires the gate', async (t) => {
  const { services } = parse(yaml!) as { services: Array<Record<string, any>> }
  const app = services.find((s) => s.name === 'app')!
  const sentinel = services.find((s) => s.name === 'schema-sentinel')!
  t.match(app.preDeployCommand, /^alembic upgrade head && python \S*export_models\.py app\.models:Base --post "http:\/\/\$\w+\/check" --adopt --release \$RENDER_GIT_COMMIT$/)
  const env = new Map(app.envVars.map((v: { key: string }) => [v.key, v]))
  t.same(env.get('SCHEMA_SENTINEL_TOKEN'), { key: 'SCHEMA_SENTINEL_TOKEN', fromService: { type: sentinel.type, name: sentinel.name, envVarKey: 'DEPLOY_TOKEN' } })
  const host = /\$(\w+)\/check/.exec(app.preDeployCommand)![1]
  t.same((env.get(host) as any)?.fromService, { type: sentinel.type, name: sentinel.name, property: 'hostport' })
  t.ok(sentinel.envVars.some((v: any) => v.key === 'DEPLOY_TOKEN' && v.generateValue === true), 'Render generates the token')
})
