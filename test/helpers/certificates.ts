// A throwaway PKI made with the openssl CLI: a CA, a server certificate it signed for
// 127.0.0.1 and localhost, and an unrelated second CA (the "wrong" one).
import { execFile } from 'node:child_process'
import { chownSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const OPENSSL = '/usr/bin/openssl'

export interface Certificates {
  readonly caPem: string
  readonly wrongCaPem: string
  readonly serverCrt: string
  readonly serverKey: string
}

// EC keys: quick to generate, accepted by PostgreSQL and Node.
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

async function makeCa (dir: string, name: string): Promise<string> {
  await run(OPENSSL, ['req', '-x509', ...KEY, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`),
    '-days', '2', '-subj', `/CN=schema-sentinel test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  return join(dir, `${name}.pem`)
}

export async function makeCertificates (dir: string): Promise<Certificates> {
  const caPem = await makeCa(dir, 'ca')
  const wrongCaPem = await makeCa(dir, 'wrong-ca')
  const serverKey = join(dir, 'server.key')
  const csr = join(dir, 'server.csr')
  const serverCrt = join(dir, 'server.crt')
  await run(OPENSSL, ['req', ...KEY, '-keyout', serverKey, '-out', csr, '-subj', '/CN=127.0.0.1'])
  const ext = join(dir, 'server.ext')
  writeFileSync(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n')
  await run(OPENSSL, ['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial',
    '-out', serverCrt, '-days', '2', '-extfile', ext])
  return { caPem, wrongCaPem, serverCrt, serverKey }
}

/**
 * Copies the server certificate and key into a PostgreSQL data directory. PostgreSQL wants
 * the key private to the server's user: mode 0600, owned by `nobody` when we run as root.
 */
export async function installServerCertificate (certs: Certificates, dataDir: string): Promise<void> {
  const crt = join(dataDir, 'server.crt')
  const key = join(dataDir, 'server.key')
  copyFileSync(certs.serverCrt, crt)
  writeFileSync(key, readFileSync(certs.serverKey), { mode: 0o600 })
  if (process.getuid?.() === 0) {
    const uid = Number((await run('id', ['-u', 'nobody'])).stdout.trim())
    const gid = Number((await run('id', ['-g', 'nobody'])).stdout.trim())
    chownSync(crt, uid, gid)
    chownSync(key, uid, gid)
  }
}
