// Starts the real service (config -> pool -> monitor -> Fastify) on a free port for one test,
// and closes it in the test's teardown. Logs are captured so tests can search them for secrets.
import { Writable } from 'node:stream'
import type { Test } from 'tap'
import { startService, type RunningService, type ServiceOptions } from '../../src/commands/serve.js'
import type { Flags } from '../../src/config.js'
import { pollPath } from './poll.js'

export interface TestService extends RunningService {
  /** Everything the service logged so far (pino JSON lines). */
  logs (): string
  get (path: string, init?: RequestInit): Promise<Response>
  /** Polls `path` until `predicate` holds or `timeoutMs` passes; returns the last response body. */
  waitFor (path: string, predicate: (res: Response, body: string) => boolean, timeoutMs?: number, init?: RequestInit): Promise<{ res: Response, body: string }>
}

export async function startTestService (t: Test, env: Record<string, string | undefined>, flags: Flags = {}, opts: Omit<ServiceOptions, 'destination'> = {}): Promise<TestService> {
  let captured = ''
  const sink = new Writable({ write (chunk, _enc, cb) { captured += String(chunk); cb() } })
  const vars = { PORT: '0', HOST: '127.0.0.1', CHECK_INTERVAL_MS: '200', CHECK_TIMEOUT_MS: '1000', LOG_LEVEL: 'info', ...env }
  const service = await startService({ env: vars, flags }, { ...opts, destination: sink })
  t.teardown(() => service.close())
  const get = (path: string, init?: RequestInit) => fetch(service.url + path, init)
  return {
    ...service,
    logs: () => captured,
    get,
    waitFor: (path, predicate, timeoutMs, init) => pollPath(get, path, predicate, timeoutMs, init)
  }
}
