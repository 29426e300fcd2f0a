// How `serve` shapes V8's heap, the process being ours (the plugin, as a library, leaves V8
// alone). Two settings, both read by V8 each time it decides, so they can change while it runs
// (node's own flags such as --max-semi-space-size cannot be set once V8 runs).
//
// Start-up: V8 optimises for size (--optimize-for-size) until the first Report. Loading a big
// manifest and the first round make most of the service's garbage (the manifest text, its
// parse tree, the catalog rows of every table) while little is yet alive, and V8's default
// lets the old generation grow to several times what is alive before collecting it: with the
// bench's 5,000-table manifest the service was at 145 MB resident when ready, 115 MB in this
// mode (measured side by side while making this change). Afterwards V8's defaults again: in
// size mode collections under HTTP load come so often that we measured 30-40% fewer requests
// a second.
//
// Young generation: V8 doubles it (up to two 16 MB semi-spaces, all of it resident) whenever
// much of what it allocates survives a scavenge: at start-up nearly everything does (the
// manifest: 100,000 columns in a big app; the first round's memory of every table), and under
// HTTP load the requests in flight do. Capped at two 4 MB semi-spaces, this service (bodies
// rendered once per round) spends about 5% more CPU per request than with V8's own sizing
// and keeps some 15-20 MB less resident (measured when the cap was made); 1 MB ones cost about 20% (more of
// the requests in flight get promoted). The growth factor is read each time V8 would grow: so
// it is 1 (no growth) through start-up, then 2 (V8's default) only while a doubling stays
// within the cap. That is exact on a V8 that doubles its semi-spaces (Node 20). Node 26's V8
// grows the young generation a 256 KB page at a time: there the factor still slows growth
// (held through start-up it stays near its first size rather than reaching 4x), but no longer
// caps it.
import v8 from 'node:v8'

/** Young generation (both semi-spaces) this service lets V8 grow to. */
export const YOUNG_CAP_BYTES = 8 * 1024 * 1024
const CHECK_MS = 100

function youngBytes (): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
}

export interface TuneOptions {
  /** The node options the user gave (default: this process's). */
  readonly nodeOptions?: string
  /** Where the V8 flags go (default: v8.setFlagsFromString); tests watch them. */
  readonly setFlags?: (flags: string) => void
}

/**
 * Size mode until `startedUp()`, and V8's young generation held at its first size until then,
 * capped afterwards; `stop()` ends the checks and leaves size mode. A setting the user gives
 * node wins: a semi-space flag (NODE_OPTIONS or the command line) turns both parts off,
 * --optimize-for-size on node's command line (NODE_OPTIONS refuses it) the start-up part.
 */
export function tuneHeap (startedUp: () => boolean, opts: TuneOptions = {}): { stop (): void } {
  const nodeOptions = opts.nodeOptions ?? `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`
  const setFlags = opts.setFlags ?? ((flags: string) => { v8.setFlagsFromString(flags) })
  // Size mode keeps the young generation small too: a user's semi-space setting turns both off.
  if (/semi[-_]space/.test(nodeOptions)) return { stop () {} }
  let sizeMode = !/optimi[sz]e[-_]for[-_]size/.test(nodeOptions)
  if (sizeMode) setFlags('--optimize-for-size')
  const leaveSizeMode = (): void => {
    if (!sizeMode) return
    sizeMode = false
    setFlags('--no-optimize-for-size')
  }
  let factor = 0
  const setFactor = (want: number): void => {
    if (want === factor) return
    factor = want
    setFlags(`--semi-space-growth-factor=${want}`)
  }
  setFactor(1)
  const timer = setInterval(() => {
    const up = startedUp()
    if (up) leaveSizeMode()
    setFactor(up && youngBytes() * 2 <= YOUNG_CAP_BYTES ? 2 : 1)
  }, CHECK_MS).unref()
  return {
    stop () {
      clearInterval(timer)
      leaveSizeMode()
    }
  }
}
