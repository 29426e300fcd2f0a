// autocannon in this process, typed for what the soak uses (the package ships no types):
// answers by status, connection errors with their time. autocannon ignores `Connection: close`
// (it writes its next request on the same connection), so the shutdown test uses Node's Agent.
import { createRequire } from 'node:module'

interface Instance {
  on (event: 'response', fn: (client: unknown, status: number) => void): void
  on (event: 'reqError', fn: (err: NodeJS.ErrnoException) => void): void
  once (event: 'done', fn: () => void): void
  stop (): void
}
type Autocannon = (opts: Record<string, unknown>) => Instance

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

export interface LoadOptions {
  readonly connections?: number
  /** Requests per second over all connections; unlimited when absent. */
  readonly rate?: number
  readonly durationS?: number
  readonly timeoutS?: number
  /** Paths each connection cycles through (default: the URL's own). */
  readonly paths?: readonly string[]
}

export interface Load {
  /** Answers by status code so far. */
  statuses (): ReadonlyMap<number, number>
  /** Connection errors and timeouts so far, with when they happened. */
  errors (): ReadonlyArray<{ readonly at: number, readonly code: string }>
  answered (): number
  /** Stops the load and resolves once autocannon is done. */
  stop (): Promise<void>
}

export function startLoad (url: string, opts: LoadOptions = {}): Load {
  const statuses = new Map<number, number>()
  const errors: Array<{ at: number, code: string }> = []
  let answered = 0
  const instance = autocannon({
    url,
    connections: opts.connections ?? 8,
    duration: opts.durationS ?? 3600,
    timeout: opts.timeoutS ?? 5,
    ...(opts.rate !== undefined ? { overallRate: opts.rate } : {}),
    ...(opts.paths !== undefined ? { requests: opts.paths.map((path) => ({ method: 'GET', path })) } : {})
  })
  const done = new Promise<void>((resolve) => instance.once('done', resolve))
  instance.on('response', (_c, status) => { answered++; statuses.set(status, (statuses.get(status) ?? 0) + 1) })
  instance.on('reqError', (err) => { errors.push({ at: Date.now(), code: err.code ?? err.message }) })
  return {
    statuses: () => statuses,
    errors: () => errors,
    answered: () => answered,
    async stop () { instance.stop(); await done }
  }
}
