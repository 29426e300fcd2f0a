// One Node line everywhere: .node-version (the exact version CI installs and runs the suite on),
// the image's base, package.json's engines and @types/node, and the README.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseDockerfile } from '../helpers/dockerfile.js'

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
const version = read('.node-version').trim()
const major = Number(version.split('.')[0])
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }, devDependencies: Record<string, string> }

t.test('.node-version names an LTS line', async (t) => {
  t.match(version, /^\d+\.\d+\.\d+$/)
  t.ok(major >= 24 && major % 2 === 0, `Node ${major}: an even, supported line`)
})

t.test('the image, engines and types follow it', async (t) => {
  for (const stage of parseDockerfile(read('Dockerfile'))) t.equal(stage.from, `node:${major}-bookworm-slim`)
  const floor = /^>=(\d+)$/.exec(pkg.engines.node)
  t.ok(floor !== null && major >= Number(floor[1]), `engines.node ${pkg.engines.node} admits ${version}`)
  t.equal(Number(pkg.devDependencies['@types/node']!.split('.')[0]), major, '@types/node of the same major')
  t.match(read('.ci/run'), /\.node-version/, '.ci/run installs it')
  t.match(read('README.md'), new RegExp(`Node ${major}\\b`), 'README names it')
})

t.test('CI runs the suite on exactly that Node', { skip: process.env.CI !== 'true' && 'only under CI=true (.ci/run)' }, async (t) => {
  t.equal(process.version, `v${version}`)
})
