// Answers rendered once per Report. A Report changes once per round while health checks may
// come thousands of times a second, so each body is rendered and serialised the first time a
// (Report, variant) pair is asked for, and later requests send the same bytes.
import type { FastifyReply } from 'fastify'
import type { Report } from '../report.js'

export interface Answer {
  readonly statusCode: number
  readonly contentType: string
  /**
   * A string, not a Buffer: Node writes a string body in one write with the headers, while a
   * Buffer goes out as a second chunk through writev, which cost a health check about 8% of its
   * requests a second on Node 26 (CPU profiles and alternating wrk runs while making this change).
   */
  readonly body: string
}

export function answer (statusCode: number, contentType: string, body: string): Answer {
  return Object.freeze({ statusCode, contentType, body })
}

export function send (reply: FastifyReply, a: Answer): FastifyReply {
  return reply.code(a.statusCode).header('content-type', a.contentType).send(a.body)
}

/** The answers made for the latest Report, by variant (a small index); the previous Report's are dropped. */
export class PerReport {
  #report: Report | undefined | null = null
  #slots: Array<Answer | undefined> = []

  get (report: Report | undefined, variant: number, make: () => Answer): Answer {
    if (report !== this.#report) {
      this.#report = report
      this.#slots = []
    }
    return this.#slots[variant] ??= make()
  }
}
