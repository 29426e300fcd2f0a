// Runs the CLI in-process (fast) or as a child process (real exit codes and stderr).
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { main } from '../../src/cli.js'

export interface CliResult { code: number, stdout: string, stderr: string }

export async function runCli (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, { env, out: (t) => { stdout += t }, err: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CLI_ENTRY = join(ROOT, 'src', 'bin.ts')

/** Spawns `node --import tsx src/bin.ts ...` with exactly `env` (plus PATH and HOME). */
export async function spawnCli (args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return await new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      timeout: timeoutMs
    }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
