#!/usr/bin/env node
// The executable: npm links it as `schema-sentinel`, the image runs it. It only hands the
// process to main(), so it works under any name it is invoked by (a symlink, npx, a path).
import { main } from './cli.js'

const code = await main(process.argv.slice(2), {
  env: process.env,
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t)
})
// Let stdout drain, then leave even if a stray handle is open.
process.exitCode = code
setTimeout(() => process.exit(code), 50).unref()
