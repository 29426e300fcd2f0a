// Runs rounds in the background, one at a time, and keeps the latest Report.
// HTTP handlers only ever read `latest()`: request rate never becomes database load.
import type pg from 'pg'
import type { Logger } from 'pino'
import { prepareChecks, type Registry } from './checks/check.js'
import type { Config } from './config.js'
import type { Expectation } from './expectation.js'
import { runRound, type RoundDeps } from './round.js'
import { overallStatus, type ExpectationInForce, type Report } from './report.js'

export interface MonitorDeps {
  readonly pool: pg.Pool
  /** The checks to run (src/checks/index.ts CHECKS in production); prepared once, here. */
  readonly checks: Registry
  readonly config: Config
  readonly expectation: Expectation
  readonly version: string
  /** Since when the baked-in expectation is in force (default: now). */
  readonly since?: number
}

/** A round run on request with another expectation; `adopt()` makes it the monitor's from now on. */
export interface CheckedNow {
  readonly report: Report
  adopt (): void
}

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
  /**
   * One round now with `expectation` (its checks prepared afresh), never overlapping the
   * monitor's own rounds: it waits for a running one. Undefined once the monitor is stopped.
   */
  checkNow (expectation: Expectation, inForce: ExpectationInForce): Promise<CheckedNow | undefined>
}

export function startMonitor (deps: MonitorDeps, logger?: Logger): Monitor {
  let latest: Report | undefined
  let running: Promise<Report> | undefined
  let stopped = false
  const noticed = new Set<string>()
  const stopping = new AbortController()
  let resolveFirst!: (r: Report) => void
  const firstRound = new Promise<Report>((resolve) => { resolveFirst = resolve })

  // Prepared once for all of this monitor's rounds: each check keeps its memory (the drift
  // check compares only tables that changed) for as long as the monitor runs.
  let round: RoundDeps = {
    pool: deps.pool,
    config: deps.config,
    version: deps.version,
    checks: prepareChecks(deps.checks, deps.config, deps.expectation),
    expectation: { source: 'file', since: deps.since ?? Date.now() }
  }

  const tick = async (): Promise<Report | undefined> => {
    if (stopped) return latest
    if (running !== undefined) return undefined // never overlap: skip this tick
    running = runRound(round, latest?.errorsTotal, stopping.signal)
    try {
      const report = await running
      // A round cut short by stop() says "timeout": not news to keep while shutting down.
      if (stopping.signal.aborted) return latest
      logTransition(logger, latest, report)
      logNotices(report)
      latest = report
      resolveFirst(report)
      return report
    } finally {
      running = undefined
    }
  }

  const checkNow = async (expectation: Expectation, inForce: ExpectationInForce): Promise<CheckedNow | undefined> => {
    while (running !== undefined) await running.catch(() => undefined)
    if (stopped) return undefined
    // Prepared here once; adopted, these prepared checks (and their memory) serve the monitor's later rounds.
    const next: RoundDeps = { ...round, checks: prepareChecks(deps.checks, deps.config, expectation), expectation: inForce }
    const mine = runRound(next, latest?.errorsTotal, stopping.signal)
    running = mine
    try {
      const report = await mine
      return {
        report,
        adopt () {
          if (stopped) return
          round = next
          logTransition(logger, latest, report)
          logNotices(report)
          latest = report
          resolveFirst(report)
        }
      }
    } finally {
      if (running === mine) running = undefined
    }
  }

  // Each check's notices (a powerful role, …) once, on the first round that has them: news, not a refrain.
  const logNotices = (report: Report): void => {
    for (const check of deps.checks) {
      const facts = report.checks.find((r) => r.name === check.name)?.facts
      const notice = facts === undefined ? undefined : check.notice?.(facts)
      if (notice === undefined || noticed.has(notice.id)) continue
      noticed.add(notice.id)
      logger?.warn(notice.text)
    }
  }

  void tick()
  const timer = setInterval(() => { void tick() }, deps.config.checkIntervalMs)
  timer.unref()

  return {
    latest: () => latest,
    firstRound,
    checkNow,
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
