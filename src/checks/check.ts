// The one shape every check has. A check is a module: its name, whether it gates the others,
// `prepare` (once per monitor or CLI run: builds what it needs from the configuration and the
// expectation, and keeps its memory between rounds in a closure), `run` (once per round), and
// its presentation: pure functions of its own facts. The round runner times checks, enforces
// the deadline and turns what they throw into `fail` results; renderers keep the round-level
// parts and ask each check for the rest.
import type { Config } from '../config.js'
import type { Expectation } from '../expectation.js'
import type { Db } from '../postgres/lease.js'
import type { MetricFamily } from '../render/exposition.js'
import { RegistryError } from '../errors.js'
import type { Status, View } from '../report.js'

export interface CheckContext {
  readonly db: Db
}

/** What a check itself decides; the runner adds name, timing and error accounting. */
export interface CheckOutcome<F = unknown> {
  readonly status: Status
  /** Defaults to `status`. */
  readonly strictStatus?: Status
  readonly observedValue?: number
  readonly observedUnit?: string
  readonly output?: string
  readonly facts?: F
}

/** A prepared check: what a round runs. `signal` aborts at the round's deadline or on shutdown. */
export interface CheckRun<F = unknown> {
  run (ctx: CheckContext, signal: AbortSignal): Promise<CheckOutcome<F>>
}

export interface TextPart {
  /** The check's line in `check` output, after its status and name. */
  readonly line: string
  /** Lines under it (indented by the renderer). */
  readonly more?: readonly string[]
}

/**
 * How a check shows its facts. Each is optional: without it the renderers show the generic
 * parts (status, observedValue/observedUnit, output). Called only with facts this check made.
 */
export interface Presentation<F> {
  /**
   * Fields of the check's entry in a health+json body, beside componentType, status, time and
   * output; `view` says which body (/health or /health/schema and what prints it).
   */
  health? (facts: F, view: View): Readonly<Record<string, unknown>>
  text? (facts: F): TextPart
  /** A few words for the status page's table of checks, when the check has no output. */
  htmlSummary? (facts: F): string
  /** The check's own section of the status page: HTML, every value escaped. */
  htmlSection? (facts: F): string
  /**
   * Where that section goes on the page: lower first, default 0; equal ones keep registry order
   * (the order a round runs checks is not the order a reader needs them in).
   */
  readonly htmlOrder?: number
  /** The check's metric families, from the last round's facts (none before a first round). */
  metrics? (facts: F | undefined): readonly MetricFamily[]
  /**
   * A warning about how the service is set up (a role more powerful than it needs): logged once
   * by the monitor, shown at the top of the status page with the details. `id` names it on the page.
   */
  notice? (facts: F): Notice | undefined
}

export interface Notice {
  readonly id: string
  readonly text: string
}

export interface Check<F = unknown, N extends string = string> extends Presentation<F> {
  readonly name: N
  /** When this check fails, the database is unreachable: the others are skipped and `up` is 0. */
  readonly gatesOthers?: boolean
  prepare (config: Config, expectation: Expectation): CheckRun<F>
}

/** The checks of a process, in the order a round runs them. */
export type Registry = readonly Check[]

/** What the round runner runs: a prepared check with its name. */
export interface PreparedCheck extends CheckRun {
  readonly name: string
  readonly gatesOthers?: boolean
}

/** Prepares every check of the registry once; the results keep their memory across rounds. */
export function prepareChecks (registry: Registry, config: Config, expectation: Expectation): PreparedCheck[] {
  assertRegistry(registry)
  return registry.map((check) => {
    const prepared = check.prepare(config, expectation)
    return { name: check.name, gatesOthers: check.gatesOthers === true, run: prepared.run.bind(prepared) }
  })
}

const CHECK_NAME = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/

/** A registry is a list of uniquely named checks (`area:what`); checked where it is used, once. */
export function assertRegistry (registry: Registry): void {
  const seen = new Set<string>()
  for (const { name } of registry) {
    if (!CHECK_NAME.test(name)) throw new RegistryError(name, 'name_not_area_what')
    if (seen.has(name)) throw new RegistryError(name, 'registered_twice')
    seen.add(name)
  }
}
