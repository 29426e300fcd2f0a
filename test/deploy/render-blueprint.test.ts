// render.yaml against Render's published Blueprint schema (vendored: test/fixtures/README.md), and
// against our own configuration.
import { existsSync, readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config.js'

const schema = JSON.parse(readFileSync(new URL('../fixtures/render-blueprint.schema.json', import.meta.url), 'utf8'))
const blueprint = parse(readFileSync(new URL('../../render.yaml', import.meta.url), 'utf8'))

interface EnvVar { key: string, value?: string, sync?: boolean, generateValue?: boolean }

t.test('render.yaml is a valid Blueprint', async (t) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false })
  const validate = ajv.compile(schema)
  const ok = validate(blueprint)
  t.ok(ok, ajv.errorsText(validate.errors))
  const broken = structuredClone(blueprint)
  broken.services[0].healthCheckPath = 42
  t.notOk(validate(broken), 'the schema does catch a wrong type')
})

t.test('the web service matches the contract', async (t) => {
  const svc = blueprint.services[0]
  t.equal(svc.type, 'web')
  t.equal(svc.runtime, 'docker')
  t.equal(svc.healthCheckPath, '/health/live')
  const env = new Map<string, EnvVar>(svc.envVars.map((v: EnvVar) => [v.key, v]))
  t.same(env.get('DATABASE_URL'), { key: 'DATABASE_URL', sync: false }, 'the URL is entered in the dashboard, never committed')
  t.equal(env.get('HEALTH_TOKEN')?.generateValue, true)
  t.equal(env.get('METRICS_TOKEN')?.generateValue, true)
  // Every value given is what the service would use by default, and is accepted by it.
  const values = Object.fromEntries([...env.values()].filter((v) => v.value !== undefined).map((v) => [v.key, String(v.value)]))
  const defaults = loadConfig({})
  const configured = loadConfig(values)
  t.same({ ...configured }, { ...defaults }, 'the blueprint restates the defaults')
  t.ok(Object.keys(values).length >= 5)
})

t.test('expected/README.md tells the truth about render.yaml', async (t) => {
  const text = readFileSync(new URL('../../render.yaml', import.meta.url), 'utf8')
  const notes = readFileSync(new URL('../../expected/README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')
  const keys = new Set(blueprint.services[0].envVars.map((v: EnvVar) => v.key))
  for (const [key, path] of [['EXPECTED_SCHEMA', '/app/expected/schema.json'], ['ALEMBIC_VERSIONS_DIR', '/app/expected/alembic/versions']] as const) {
    if (keys.has(key)) continue
    // Not set in the Blueprint: it must be there commented out, pointing into the image's expected/, and the notes must say so.
    t.match(text, new RegExp(`^ *# - key: ${key}\\n *# {3}value: ${path.replace(/\//g, '\\/')}$`, 'm'), `${key} is commented out, pointing into expected/`)
    t.match(notes, /commented out: uncomment the ones you use/, `${key}: expected/README.md says to uncomment it`)
  }
})

t.test('the Dockerfile is multi-stage, production-only and non-root', async (t) => {
  const docker = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')
  t.equal(docker.match(/^FROM /gm)?.length, 2, 'two stages')
  t.match(docker, /npm ci --omit=dev/)
  t.match(docker, /^USER node$/m)
  t.match(docker, /HEALTHCHECK[\s\S]*\/health\/live/)
  t.match(docker, /CMD \["serve"\]/)
  for (const [, sources] of docker.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const path of sources!.split(' ')) {
      t.ok(existsSync(new URL(`../../${path}`, import.meta.url)), `COPY source ${path} exists`)
    }
  }
})
