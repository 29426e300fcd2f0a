// The service for the HTTP comparison, run as a child process: the one plugin `serve` uses
// (src/plugin.ts), started as `serve` starts it (startService), configured from this process's
// environment. Its point of comparison is bench/bare-server.ts, another process.
//
// BENCH_MODULES points at a built dist/ (file URL of the directory): the routes then run as
// tsc emitted them, not as tsx transpiled them (tsx wraps closures in __name() helpers).
const root = process.env.BENCH_MODULES ?? new URL('../src/', import.meta.url).href
const from = async <T>(path: string): Promise<T> => await import(new URL(path, root).href) as T

const { startService } = await from<typeof import('../src/commands/serve.js')>('commands/serve.js')

const service = await startService({ env: process.env })
process.stdout.write(`bench-server-url=${service.url}\n`)
process.once('SIGTERM', () => {
  void service.close().then(() => process.exit(0))
})
