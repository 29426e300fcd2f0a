import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ProcessMetrics } from '../process-metrics.js'
import type { Report } from '../report.js'

export type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>

/** What the routes may read: the latest Report and whether we are stopping. */
export interface ServiceState {
  latest (): Report | undefined
  shuttingDown (): boolean
}

export interface RouteOptions {
  readonly state: ServiceState
  readonly version: string
  readonly releaseId?: string
  readonly healthToken?: string
  readonly metricsToken?: string
  readonly processMetrics: ProcessMetrics
  /** Registers GET (and so HEAD) on a path, and 405 for every other method. */
  get (app: FastifyInstance, url: string, handler: Handler): void
  /** Declares the methods a path answers; any other method gets 405 with `Allow`. */
  allow (url: string, methods: readonly string[]): void
}
