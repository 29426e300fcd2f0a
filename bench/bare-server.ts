// The point of comparison for the health routes: a bare Fastify process, default options, no
// hooks, no logger, serving a fixed JSON body (the one /health sends without details) on the
// same paths. Whatever our service does beyond this, a health check pays for. With
// SAME_BODY_FILE, /same-body answers that file's JSON the same way (the details body, to tell
// what sending 2 KB costs from what our layer costs).
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const BODY = Object.freeze({ status: 'pass', version: '0.1.0' })
const app = Fastify()
for (const path of ['/health', '/health/schema', '/health/live', '/health/ready']) app.get(path, async () => BODY)
const same = process.env.SAME_BODY_FILE
if (same !== undefined) {
  const body = JSON.parse(readFileSync(same, 'utf8')) as unknown
  app.get('/same-body', async () => body)
}
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' })
process.stdout.write(`bench-server-url=${url}\n`)
process.once('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
