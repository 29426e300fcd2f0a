// sslmode against a real PostgreSQL with ssl=on and a CA made by openssl in this test.
// The role the service uses may only connect over TLS (pg_hba hostssl), so a pass proves TLS.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { installServerCertificate, makeCertificates } from '../helpers/certificates.js'
import { runCli } from '../helpers/cli.js'
import { startPostgres } from '../helpers/postgres.js'
import { startTestService } from '../helpers/service.js'
import { missingTool } from '../helpers/system-tool.js'

const skip = missingTool('/usr/bin/openssl', 'openssl')
if (skip !== false) {
  t.plan(0, skip)
  process.exit(0)
}

const PASSWORD = 'tls-Pa55word-5e1d'
const dir = mkdtempSync(join(tmpdir(), 'sentinel-tls-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const certs = await makeCertificates(dir)

const pg = await startPostgres({
  // 127.0.0.2 is loopback too, but not in the certificate: verify-full must refuse it.
  settings: { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key', listen_addresses: "'127.0.0.1,127.0.0.2'" },
  async beforeStart (dataDir) {
    await installServerCertificate(certs, dataDir)
    writeFileSync(join(dataDir, 'pg_hba.conf'), [
      'local all all trust',
      'hostssl all all 127.0.0.0/8 scram-sha-256',
      // Only the test's own superuser session may use plain text.
      'hostnossl all postgres 127.0.0.1/32 scram-sha-256',
      ''
    ].join('\n'))
  }
})
t.teardown(() => pg.destroy())
await pg.query(`CREATE ROLE sentinel LOGIN PASSWORD '${PASSWORD}'`)

const plain = await startPostgres()
t.teardown(() => plain.destroy())
await plain.query(`CREATE ROLE sentinel LOGIN PASSWORD '${PASSWORD}'`)

const url = (host: string, sslmode: string, port = pg.port) => `postgres://sentinel:${PASSWORD}@${host}:${port}/postgres?sslmode=${sslmode}`
const check = (databaseUrl: string, ca?: string) =>
  runCli(['check'], { DATABASE_URL: databaseUrl, ...(ca !== undefined ? { DATABASE_SSL_CA: ca } : {}), CHECK_TIMEOUT_MS: '5000' })

function assertNoSecrets (t: Test, text: string): void {
  t.notMatch(text, PASSWORD, 'no password')
  t.notMatch(text, 'postgres://', 'no URL')
}

t.test('the role is TLS-only: sslmode=disable is refused', async (t) => {
  const run = await check(url('127.0.0.1', 'disable'))
  t.equal(run.code, 2)
  t.match(run.stderr, /no encryption|pg_hba/)
})

t.test('sslmode=require connects without verifying', async (t) => {
  const run = await check(url('127.0.0.1', 'require'))
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /pass\s+postgres:connectivity/)
})

t.test('libpq compatibility: ssl=true means sslmode=require', async (t) => {
  const run = await check(`postgres://sentinel:${PASSWORD}@127.0.0.1:${pg.port}/postgres?ssl=true`)
  t.equal(run.code, 0, run.stderr)
})

t.test('sslmode=verify-full with DATABASE_SSL_CA, for the IP and the name in the certificate', async (t) => {
  for (const host of ['127.0.0.1', 'localhost']) {
    const run = await check(url(host, 'verify-full'), certs.caPem)
    t.equal(run.code, 0, `${host}: ${run.stderr}`)
  }
  const viaUrl = await check(`${url('127.0.0.1', 'verify-full')}&sslrootcert=${encodeURIComponent(certs.caPem)}`)
  t.equal(viaUrl.code, 0, `sslrootcert in the URL works too: ${viaUrl.stderr}`)
})

t.test('verify-full refuses a host the certificate does not name; verify-ca accepts it', async (t) => {
  const full = await check(url('127.0.0.2', 'verify-full'), certs.caPem)
  t.equal(full.code, 2)
  t.match(full.stderr, /^schema-sentinel: cannot reach the database: TLS: .*127\.0\.0\.2.*\(ERR_TLS_CERT_ALTNAME_INVALID\)\n$/)
  assertNoSecrets(t, full.stderr)
  const ca = await check(url('127.0.0.2', 'verify-ca'), certs.caPem)
  t.equal(ca.code, 0, ca.stderr)
})

t.test('verify-full with the wrong CA fails clearly, without secrets', async (t) => {
  const run = await check(url('127.0.0.1', 'verify-full'), certs.wrongCaPem)
  t.equal(run.code, 2)
  t.equal(run.stderr.split('\n').length, 2, 'one line')
  t.match(run.stderr, /^schema-sentinel: cannot reach the database: TLS: .*certificate.*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\n$/)
  assertNoSecrets(t, run.stderr + run.stdout)

  const svc = await startTestService(t, { DATABASE_URL: url('127.0.0.1', 'verify-full'), DATABASE_SSL_CA: certs.wrongCaPem })
  const { res, body } = await svc.waitFor('/health', (r, b) => r.status === 503 && b.includes('postgres:connectivity'))
  const json = JSON.parse(body) as { status: string, output: string, checks: Record<string, Array<{ status: string, output?: string }>> }
  t.equal(res.status, 503)
  t.equal(json.status, 'fail')
  t.match(json.checks['postgres:connectivity']?.[0]?.output, /^TLS: .*certificate/)
  t.match(json.output, /certificate/)
  assertNoSecrets(t, body + svc.logs())
})

t.test('verify-full against a server without TLS fails clearly', async (t) => {
  const run = await check(url('127.0.0.1', 'verify-full', plain.port), certs.caPem)
  t.equal(run.code, 2)
  t.match(run.stderr, /^schema-sentinel: cannot reach the database: .*does not support SSL.*\n$/)
  assertNoSecrets(t, run.stderr)
})

t.test('an unreadable DATABASE_SSL_CA is a configuration error naming the variable', async (t) => {
  const run = await check(url('127.0.0.1', 'verify-full'), join(dir, 'no-such-ca.pem'))
  t.equal(run.code, 2)
  t.match(run.stderr, /^schema-sentinel: DATABASE_SSL_CA: cannot read CA bundle .*no-such-ca\.pem \(ENOENT\)\n$/)
})
