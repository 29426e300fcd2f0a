// Watchers for fault tests: how many sessions the service holds (sampled often, from
// PostgreSQL's side), and whether any secret leaked into text the outside world sees.
import pg from 'pg'
import { APPLICATION_NAME } from '../../src/postgres/pool.js'

export interface ConnectionSampler {
  /** Highest count of schema-sentinel sessions seen in pg_stat_activity. */
  max (): number
  /** Samples taken while the database answered. */
  samples (): number
  /** The count right now (fresh query), or undefined while the database is down. */
  now (): Promise<number | undefined>
  stop (): Promise<void>
}

const COUNT = 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1'

/** Counts the service's sessions every `everyMs`; survives the server going away and back. */
export function sampleConnections (url: string, everyMs = 25): ConnectionSampler {
  let client: pg.Client | undefined
  let max = 0
  let samples = 0
  let stopped = false
  let busy: Promise<unknown> = Promise.resolve()

  const count = async (): Promise<number | undefined> => {
    try {
      if (client === undefined) {
        const c = new pg.Client({ connectionString: url, application_name: 'fault-sampler', connectionTimeoutMillis: 500 })
        c.on('error', () => { if (client === c) client = undefined })
        await c.connect()
        client = c
      }
      const { rows } = await client.query<{ n: number }>(COUNT, [APPLICATION_NAME])
      const n = rows[0]!.n
      samples++
      if (n > max) max = n
      return n
    } catch {
      const c = client
      client = undefined
      await c?.end().catch(() => undefined)
      return undefined
    }
  }
  const loop = async (): Promise<void> => {
    while (!stopped) {
      busy = count()
      await busy
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  }
  void loop()
  return {
    max: () => max,
    samples: () => samples,
    now: async () => { await busy; return await count() },
    async stop () {
      stopped = true
      await busy
      await client?.end().catch(() => undefined)
    }
  }
}

/** The secrets found in a text (an empty list means none leaked). */
export function leaks (text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length > 0 && (text.includes(s) || text.includes(encodeURIComponent(s))))
}

/** Every header and the body of a response, as one text to search. */
export async function responseText (res: Response): Promise<string> {
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')
  return `${res.status}\n${headers}\n\n${await res.text()}`
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
