// Debian tools some tests drive for real (promtool, prometheus, pgbouncer, chromium, openssl).
// Outside CI a missing tool skips the test with a message; in CI (CI=true) it is a failure.
import { accessSync, constants } from 'node:fs'

/** A skip reason when `path` is not executable here, else false. Throws in CI. */
export function missingTool (path: string, installHint: string): string | false {
  try {
    accessSync(path, constants.X_OK)
    return false
  } catch {
    const reason = `${path} is not installed (apt-get install ${installHint})`
    if (process.env.CI === 'true') throw new Error(`${reason}; CI installs it in .ci/run`)
    return reason
  }
}
