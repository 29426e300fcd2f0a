// The life of a system tool run as a child process by a test (pgbouncer, prometheus): its
// output kept as a log, and a stop that asks politely, kills after a grace period, and
// removes the tool's temp directory.
import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

export interface ToolProcess {
  /** Everything the tool wrote to stdout and stderr so far. */
  logs (): string
  /** True once the tool has exited. */
  gone (): boolean
  stop (): Promise<void>
}

export interface StopOptions {
  /** The polite signal (pgbouncer: SIGINT for a fast shutdown; prometheus: SIGTERM). */
  readonly signal: NodeJS.Signals
  /** How long the polite signal may take before SIGKILL. */
  readonly graceMs: number
  /** A temp directory to remove once the tool has stopped. */
  readonly dir: string
}

export function superviseTool (child: ChildProcess, { signal, graceMs, dir }: StopOptions): ToolProcess {
  let log = ''
  child.stdout?.on('data', (d) => { log += String(d) })
  child.stderr?.on('data', (d) => { log += String(d) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null
  return {
    logs: () => log,
    gone,
    async stop () {
      if (!gone()) {
        child.kill(signal)
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
