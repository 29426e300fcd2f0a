// Alembic versions directories for tests, written from { revision: down_revision or null }
// in the type-annotated style `alembic revision` generates today.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes `<parent>/<name>/<id>_step.py` for each revision and returns the directory. */
export function writeVersionsDir (parent: string, name: string, revisions: Readonly<Record<string, string | null>>): string {
  const dir = join(parent, name)
  mkdirSync(dir, { recursive: true })
  for (const [id, down] of Object.entries(revisions)) {
    const value = down === null ? 'None' : `"${down}"`
    writeFileSync(join(dir, `${id}_step.py`), `from typing import Union\nrevision: str = "${id}"\ndown_revision: Union[str, None] = ${value}\n`)
  }
  return dir
}
