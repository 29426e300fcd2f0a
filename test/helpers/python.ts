// Debian's Python with python3-sqlalchemy, for the model exporter (contrib/sqlalchemy).
// Outside CI a missing interpreter or package skips the test with a message; in CI it is a failure.
import { execFile, execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PYTHON = '/usr/bin/python3'
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const EXPORTER = join(ROOT, 'contrib', 'sqlalchemy', 'export_models.py')
export const FIXTURES = join(ROOT, 'test', 'fixtures')

/** A skip reason when Debian's python3 cannot import sqlalchemy, else false. Throws in CI. */
export function missingSqlalchemy (): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import sqlalchemy'], { stdio: 'ignore' })
    return false
  } catch {
    const reason = `${PYTHON} cannot import sqlalchemy (apt-get install python3-sqlalchemy)`
    if (process.env.CI === 'true') throw new Error(`${reason}; CI installs it in .ci/run`)
    return reason
  }
}

export interface PythonResult { code: number, stdout: string, stderr: string }

/** Runs a script with Debian's python3 in test/fixtures (so fixture models import by name). */
export async function runPython (args: string[], cwd = FIXTURES): Promise<PythonResult> {
  return await new Promise((resolve) => {
    execFile(PYTHON, args, { cwd, timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

/** The manifest the exporter prints for `target` (module:attribute in test/fixtures). */
export async function exportModels (target: string, extra: string[] = []): Promise<string> {
  const res = await runPython([EXPORTER, target, ...extra])
  if (res.code !== 0) throw new Error(`export_models.py ${target} exited ${res.code}: ${res.stderr}`)
  return res.stdout
}

/** The CREATE statements SQLAlchemy would run for `target`: the database a first migration makes. */
export async function modelsDdl (target: string): Promise<string> {
  const res = await runPython([join(FIXTURES, 'models_ddl.py'), target])
  if (res.code !== 0) throw new Error(`models_ddl.py ${target} exited ${res.code}: ${res.stderr}`)
  return res.stdout
}
