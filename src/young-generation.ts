// V8 doubles its young generation (up to two 16 MB semi-spaces, all of it resident) whenever
// much of what it allocates survives a scavenge. At start-up nearly everything survives: the
// manifest (100,000 columns in a big app) and the first round's memory of every table. Holding
// the young generation at its first size until the first round has finished keeps that
// start-up peak out of the process's resident memory (some 30 MB with a 5,000-table manifest);
// afterwards V8 sizes it as usual, for request throughput.
import v8 from 'node:v8'

const FLAG = 'semi-space-growth-factor'
/** V8's default (node --v8-options). */
const V8_DEFAULT_GROWTH = 2

/** Holds the young generation's size; the returned function lets it grow again (once). A user's own setting wins. */
export function holdYoungGeneration (nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`): () => void {
  if (nodeOptions.includes(FLAG) || nodeOptions.includes(FLAG.replace(/-/g, '_'))) return () => {}
  v8.setFlagsFromString(`--${FLAG}=1`)
  let released = false
  return () => {
    if (released) return
    released = true
    v8.setFlagsFromString(`--${FLAG}=${V8_DEFAULT_GROWTH}`)
  }
}
