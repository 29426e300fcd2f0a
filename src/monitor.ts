// Runs rounds in the background, one at a time, and keeps the latest Report.
// HTTP handlers only ever read `latest()`: request rate never becomes database load.
import type { Logger } from 'pino'
import { reportRoleWarning } from './checks/connectivity.js'
import { runRound, type RoundDeps } from './round.js'
import { overallStatus, type Report } from './report.js'

export interface Monitor {
  /** The latest finished round, if any. */
  latest (): Report | undefined
  /** Resolves when the first round has finished. */
  readonly firstRound: Promise<Report>
  /**
   * Stops the timer and waits for a running round; after `waitMs` (default: no limit) the
   * round is cut short, as its deadline would, so a long CHECK_TIMEOUT_MS cannot hold up shutdown.
   */
  stop (opts?: { readonly waitMs?: number }): Promise<void>
}

export function startMonitor (deps: RoundDeps, logger?: Logger): Monitor {
  let latest: Report | undefined
  let running: Promise<Report> | undefined
  let stopped = false
  let roleWarned = false
  const stopping = new AbortController()
  let resolveFirst!: (r: Report) => void
  const firstRound = new Promise<Report>((resolve) => { resolveFirst = resolve })

  // One memory for this monitor's rounds: the drift check compares only tables that changed.
  const withMemory: RoundDeps = { ...deps, memory: deps.memory ?? {} }

  const tick = async (): Promise<Report | undefined> => {
    if (stopped) return latest
    if (running !== undefined) return undefined // never overlap: skip this tick
    running = runRound(withMemory, latest?.errorsTotal, stopping.signal)
    try {
      const report = await running
      // A round cut short by stop() says "timeout": not news to keep while shutting down.
      if (stopping.signal.aborted) return latest
      logTransition(logger, latest, report)
      // Once, on the first round that reached the database as a powerful role.
      const warning = roleWarned ? undefined : reportRoleWarning(report)
      if (warning !== undefined) {
        roleWarned = true
        logger?.warn(warning)
      }
      latest = report
      resolveFirst(report)
      return report
    } finally {
      running = undefined
    }
  }

  void tick()
  const timer = setInterval(() => { void tick() }, deps.config.checkIntervalMs)
  timer.unref()

  return {
    latest: () => latest,
    firstRound,
    async stop (opts = {}) {
      stopped = true
      clearInterval(timer)
      const waitMs = opts.waitMs ?? Infinity
      const cut = Number.isFinite(waitMs) ? setTimeout(() => stopping.abort(), waitMs) : undefined
      await running?.catch(() => undefined)
      clearTimeout(cut)
    }
  }
}

// Log changes, not every round: a 10 s interval would otherwise flood the log. A change of
// reason under the same status is news too (a timeout that turns into a refused password).
function logTransition (logger: Logger | undefined, before: Report | undefined, after: Report): void {
  if (logger === undefined) return
  const was = before === undefined ? undefined : overallStatus(before, 'schema')
  const now = overallStatus(after, 'schema')
  const failing = notPassing(after)
  if (was === now && before !== undefined && JSON.stringify(notPassing(before)) === JSON.stringify(failing)) return
  const level = now === 'pass' ? 'info' : now === 'warn' ? 'warn' : 'error'
  // The strict reading (check, /health/schema): a pending migration is fail here but warn on
  // /health and the status page, so the line says which reading it reports, and gives the other.
  const health = overallStatus(after, 'health')
  const msg = `${was === now ? `check status is still ${now}, for another reason` : `check status is now ${now}`} (strict, as /health/schema; /health: ${health})`
  logger[level]({ status: now, health, previous: was ?? null, checks: failing }, msg)
}

function notPassing (report: Report): Array<{ check: string, status: string, output: string | undefined }> {
  return report.checks.filter((c) => c.strictStatus !== 'pass').map((c) => ({ check: c.name, status: c.strictStatus, output: c.output }))
}
