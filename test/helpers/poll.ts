// Polling a service until an answer satisfies a test, shared by the in-process service and
// the child-process one.

export type Get = (path: string, init?: RequestInit) => Promise<Response>

/** GETs `path` every 50 ms until `predicate` holds; throws with the last answer after `timeoutMs`. */
export async function pollPath (get: Get, path: string, predicate: (res: Response, body: string) => boolean, timeoutMs = 10_000, init?: RequestInit): Promise<{ res: Response, body: string }> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const res = await get(path, init)
    const body = await res.text()
    if (predicate(res, body)) return { res, body }
    if (Date.now() > until) throw new Error(`timed out waiting on ${path}: last ${res.status} ${body.slice(0, 500)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
