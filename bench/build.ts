// A build of src/ in a temporary directory, so the bench never clobbers the checkout's dist/.
// The directory mirrors the package: package.json, dist/, and links to what dist/ reads at run time.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './children.js'

export interface Build {
  /** The package directory, or undefined when the build failed. */
  readonly dir?: string
  readonly cli?: string
  readonly ms: number
  /** tsc's complaint, when it had one (it still emits on type errors in other files). */
  readonly problem?: string
}

/** Builds into `parent` (a new temporary directory by default). */
export function buildPackage (parent?: string): Build {
  const dir = parent !== undefined ? join(parent, 'package') : mkdtempSync(join(tmpdir(), 'sentinel-bench-build-'))
  mkdirSync(dir, { recursive: true })
  const t0 = performance.now()
  const tsc = spawnSync(process.execPath, [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'),
    '--outDir', join(dir, 'dist'), '--declaration', 'false', '--sourceMap', 'false'
  ], { cwd: ROOT, encoding: 'utf8' })
  const ms = performance.now() - t0
  const cli = join(dir, 'dist', 'bin.js')
  const problem = tsc.status === 0 ? undefined : (tsc.stdout + tsc.stderr).trim().split('\n')[0]
  if (!existsSync(cli)) return { ms, problem: problem ?? 'tsc emitted no dist/bin.js' }
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files?: string[] }
  for (const entry of ['node_modules', ...(pkg.files ?? []).filter((f) => f !== 'dist')]) {
    if (existsSync(join(ROOT, entry))) symlinkSync(join(ROOT, entry), join(dir, entry))
  }
  return { dir, cli, ms, problem }
}
