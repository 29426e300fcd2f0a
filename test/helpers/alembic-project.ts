// A minimal Alembic project (alembic.ini, env.py, versions/) run with Debian's python3-alembic
// against a test database. Outside CI a missing alembic or psycopg2 skips; in CI it is a failure.
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PYTHON, type PythonResult } from './python.js'

/** A skip reason when Debian's python3 cannot import alembic and psycopg2, else false. Throws in CI. */
export function missingAlembic (): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import alembic, psycopg2'], { stdio: 'ignore' })
    return false
  } catch {
    const reason = `${PYTHON} cannot import alembic and psycopg2 (apt-get install python3-alembic python3-psycopg2)`
    if (process.env.CI === 'true') throw new Error(`${reason}; CI installs them in .ci/run`)
    return reason
  }
}

const ENV_PY = `import os
from alembic import context
from sqlalchemy import create_engine

engine = create_engine(os.environ["SENTINEL_ALEMBIC_URL"])
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
`

/** Writes an Alembic project under `dir` with one base revision; returns its versions directory. */
export function writeAlembicProject (dir: string, baseRevision: string): string {
  const versions = join(dir, 'alembic', 'versions')
  mkdirSync(versions, { recursive: true })
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/alembic\n')
  writeFileSync(join(dir, 'alembic', 'env.py'), ENV_PY)
  writeFileSync(join(versions, `${baseRevision}_base.py`), `"""base"""\nrevision = '${baseRevision}'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`)
  return versions
}

/** `python3 -m alembic ARGS` in the project, against the database at `url`. */
export async function runAlembic (dir: string, args: string[], url: string): Promise<PythonResult> {
  return await new Promise((resolve) => {
    execFile(PYTHON, ['-m', 'alembic', ...args], {
      cwd: dir,
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONDONTWRITEBYTECODE: '1', SENTINEL_ALEMBIC_URL: url.replace(/^postgres:/, 'postgresql:') }
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
