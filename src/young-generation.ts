// V8 doubles its young generation (up to two 16 MB semi-spaces, all of it resident) whenever
// much of what it allocates survives a scavenge: at start-up nearly everything does (the
// manifest: 100,000 columns in a big app; the first round's memory of every table), and under
// HTTP load the requests in flight do. This service's requests allocate little and keep
// nothing (bodies are rendered once per round), so the first size, two 1 MB semi-spaces, is
// enough for them: scavenges come more often and each finds almost nothing alive. Measured in
// `npm run bench` (bench/memory.ts): some 15 MB less peak resident memory with a 5,000-table
// manifest under 50 connections, and req/s of the health routes against a bare Fastify process
// within the run-to-run noise (bench/http.ts).
import v8 from 'node:v8'

const FLAG = 'semi-space-growth-factor'

/**
 * Keeps V8's young generation at its first size from now on (read by V8 each time it would
 * grow it). A growth factor or semi-space size the user gives node (NODE_OPTIONS) wins.
 */
export function keepYoungGenerationSmall (nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`): void {
  if (/semi[-_]space/.test(nodeOptions)) return
  v8.setFlagsFromString(`--${FLAG}=1`)
}
