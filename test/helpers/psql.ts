// Debian's psql (postgresql-client), to run SQL the way a person would: a script file, stop at the first error.
import { execFile } from 'node:child_process'
import { missingTool } from './system-tool.js'

export const PSQL = '/usr/bin/psql'

/** A skip reason when psql is not installed, else false. Throws in CI. */
export function missingPsql (): string | false {
  return missingTool(PSQL, 'postgresql-client')
}

export interface PsqlResult { code: number, stdout: string, stderr: string }

/** `psql -X -v ON_ERROR_STOP=1 -f FILE URL`, as the script's own header says to run it. */
export async function runPsqlFile (url: string, file: string): Promise<PsqlResult> {
  return await new Promise((resolve) => {
    execFile(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, url], {
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PGCONNECT_TIMEOUT: '10' }
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
