// A round: every check, one after another on one connection, under one deadline,
// producing one frozen Report. The only place that times checks and catches their errors.
import type pg from 'pg'
import type { CheckOutcome, PreparedCheck } from './checks/check.js'
import type { Config } from './config.js'
import { Lease } from './postgres/lease.js'
import { describeError } from './postgres/describe-error.js'
import { secretsOf } from './postgres/pool.js'
import { deepFreeze, type CheckResult, type ExpectationInForce, type Report } from './report.js'

export interface RoundDeps {
  readonly pool: pg.Pool
  /** Prepared once (prepareChecks): each keeps its own memory from round to round. */
  readonly checks: readonly PreparedCheck[]
  readonly config: Config
  readonly version: string
  /** Named in the Report: which expectation the checks were prepared with. */
  readonly expectation?: ExpectationInForce
}

export const TIMEOUT_OUTPUT = 'timeout'
export const UNREACHABLE_OUTPUT = 'skipped: database unreachable'

class DeadlineReached extends Error {}

/**
 * Runs one round. `errorsTotal` is the running count to carry into the Report (not mutated).
 * `stop` ends the round early, as its deadline would (shutdown must not wait for a long one).
 */
export async function runRound (deps: RoundDeps, errorsTotal: Readonly<Record<string, number>> = {}, stop?: AbortSignal): Promise<Report> {
  const { config } = deps
  const startedAt = Date.now()
  const deadline = startedAt + config.checkTimeoutMs
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onStop: (() => void) | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    const end = (): void => {
      controller.abort()
      reject(new DeadlineReached())
    }
    timer = setTimeout(end, config.checkTimeoutMs)
    if (stop?.aborted === true) end()
    else if (stop !== undefined) stop.addEventListener('abort', onStop = end, { once: true })
  })
  expired.catch(() => {}) // observed through Promise.race below
  const lease = new Lease(deps.pool, deadline)
  const secrets = secretsOf(config)
  const results: CheckResult[] = []
  const errors = { ...errorsTotal }
  let reachable = true
  let timedOut = false
  let failed = false

  for (const check of deps.checks) {
    const t0 = performance.now()
    const done = (outcome: CheckOutcome, errored = false): void => {
      if (errored) errors[check.name] = (errors[check.name] ?? 0) + 1
      results.push({
        name: check.name,
        ...outcome,
        strictStatus: outcome.strictStatus ?? outcome.status,
        errored,
        durationMs: performance.now() - t0,
        time: new Date().toISOString()
      })
    }
    if (!reachable) {
      done({ status: 'fail', output: UNREACHABLE_OUTPUT })
      continue
    }
    if (timedOut) {
      done({ status: 'fail', output: TIMEOUT_OUTPUT })
      continue
    }
    let outcome: CheckOutcome | undefined
    try {
      outcome = await Promise.race([check.run({ db: lease }, controller.signal), expired])
    } catch (err) {
      failed = true
      if (err instanceof DeadlineReached) {
        timedOut = true
        done({ status: 'fail', output: TIMEOUT_OUTPUT }, true)
      } else {
        const text = describeError(err, secrets)
        done({ status: 'fail', output: isStatementTimeout(err) ? `${TIMEOUT_OUTPUT}: ${text}` : text }, true)
        await Promise.race([lease.endTransaction(), expired]).catch(() => { timedOut = true })
      }
      if (check.gatesOthers === true) reachable = false
    }
    if (outcome !== undefined) {
      done(outcome)
      // A deadline reached while rolling back marks the round, not this check's result.
      await Promise.race([lease.endTransaction(), expired]).catch(() => { timedOut = true; failed = true })
    }
  }
  clearTimeout(timer)
  if (onStop !== undefined) stop?.removeEventListener('abort', onStop)
  lease.release(timedOut || failed)

  const gates = new Set(deps.checks.filter((c) => c.gatesOthers === true).map((c) => c.name))
  return deepFreeze({
    version: deps.version,
    releaseId: config.releaseId,
    startedAt,
    finishedAt: Date.now(),
    up: results.every((r) => !gates.has(r.name) || r.status === 'pass'),
    checks: results,
    errorsTotal: errors,
    ...(deps.expectation !== undefined ? { expectation: deps.expectation } : {})
  })
}

// 57014 statement_timeout, 55P03 lock_timeout: both mean the round's deadline was reached.
function isStatementTimeout (err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return code === '57014' || code === '55P03'
}
