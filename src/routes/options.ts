// What the routes are given and what they read. The latest Report and the service's state come
// through the `sentinel` decorator (src/plugin.ts, or buildApp's given state); never from a check.
import type { Logger } from 'pino'
import type { Registry } from '../checks/check.js'
import type { ProcessMetrics } from '../process-metrics.js'
import type { Report } from '../report.js'

/** Where Reports come from: a monitor in the service; anything that keeps one in tests and embeddings. */
export interface ReportSource {
  latest (): Report | undefined
  shuttingDown (): boolean
}

export interface Sentinel extends ReportSource {
  /**
   * Readiness answers 503 from now on and no new round starts; a running one may finish within
   * `ms`, then is cut short. Resolves after `ms`, while everything keeps answering, so probes and
   * load balancers see the 503 before the listener closes (`close()` comes after).
   */
  drain (ms: number): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly sentinel: Sentinel
  }
}

export interface RouteOptions {
  readonly version: string
  readonly releaseId?: string
  readonly healthToken?: string
  readonly metricsToken?: string
  readonly processMetrics: ProcessMetrics
  /** The checks whose results the Reports hold: they present their own facts. */
  readonly checks: Registry
  /** Where unexpected errors are logged (default: app.log). */
  readonly logger?: Logger
}
