// V8 doubles its young generation (up to two 16 MB semi-spaces, all of it resident) whenever
// much of what it allocates survives a scavenge: at start-up nearly everything does (the
// manifest: 100,000 columns in a big app; the first round's memory of every table), and under
// HTTP load the requests in flight do. Capped at two 4 MB semi-spaces, this service (bodies
// rendered once per round) spends about 5% more CPU per request than with V8's own sizing
// and keeps some 15-20 MB less resident (bench/RESULTS.md); 1 MB ones cost about 20% (more of
// the requests in flight get promoted). node's --max-semi-space-size cannot be set once V8 runs,
// but the growth factor is read each time V8 would grow: so it is 1 (no growth) through
// start-up, then 2 (V8's default) only while a doubling stays within the cap.
// That is exact on a V8 that doubles its semi-spaces (Node 20). Node 26's V8 grows the young
// generation a 256 KB page at a time: there the factor still slows growth (held through
// start-up it stays near its first size rather than reaching 4x), but no longer caps it.
import v8 from 'node:v8'

/** Young generation (both semi-spaces) this service lets V8 grow to. */
export const YOUNG_CAP_BYTES = 8 * 1024 * 1024
const CHECK_MS = 100

function youngBytes (): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

/**
 * Holds V8's young generation at its first size until `startedUp()`, then caps it; `stop()`
 * ends the checks. A semi-space setting the user gives node (NODE_OPTIONS) wins: then this does nothing.
 */
export function capYoungGeneration (startedUp: () => boolean, nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`): { stop (): void } {
  if (/semi[-_]space/.test(nodeOptions)) return { stop () {} }
  let factor = 0
  const set = (want: number): void => {
    if (want === factor) return
    factor = want
    v8.setFlagsFromString(`--semi-space-growth-factor=${want}`)
  }
  set(1)
  const timer = setInterval(() => set(startedUp() && youngBytes() * 2 <= YOUNG_CAP_BYTES ? 2 : 1), CHECK_MS).unref()
  return { stop: () => clearInterval(timer) }
}
