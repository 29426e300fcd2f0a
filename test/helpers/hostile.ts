// Seeded generators of hostile HTTP requests: random methods, paths (long, percent-encoded,
// traversal), query strings and headers (huge, duplicated Authorization, wrong schemes,
// tokens of the wrong length). The same seed gives the same requests.
import { connect } from 'node:net'
import { pick, type Rng } from './rng.js'

export { pick, rng, type Rng } from './rng.js'

const int = (r: Rng, max: number): number => Math.floor(r() * max)
const chars = (r: Rng, n: number, alphabet: string): string => Array.from({ length: n }, () => alphabet[int(r, alphabet.length)]).join('')
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

export const ROUTES = ['/', '/health', '/health/live', '/health/ready', '/health/schema', '/livez', '/readyz', '/metrics']

export interface Tokens { readonly health: string, readonly metrics: string }

export interface Auth {
  /** Header values (several means a duplicated header). */
  readonly values: readonly string[]
  /** Which right token appears in a correct `Bearer <token>` form, if any. */
  readonly grants: ReadonlyArray<'health' | 'metrics'>
}

export function auth (r: Rng, tokens: Tokens): Auth | undefined {
  if (r() < 0.25) return undefined
  const right = r() < 0.5 ? 'health' : 'metrics'
  const token = tokens[right]
  const wrongTokens = [
    token.slice(0, -1), token + 'x', token.toUpperCase(), chars(r, token.length, ALNUM), chars(r, 1 + int(r, 8), ALNUM),
    chars(r, 2000 + int(r, 6000), ALNUM), '', ' ', '%00', token.replace(/./, '\u00e9')
  ]
  const forms: Array<[string, boolean]> = [
    [`Bearer ${token}`, true], [`bearer ${token}`, true], [`BEARER\t${token}`, true],
    [`Basic ${Buffer.from(`user:${token}`).toString('base64')}`, false], [`Token ${token}`, false], [`Bearer`, false],
    [`Bearer ${token} ${token}`, false], [`Bearer${token}`, false], [`Bearer ${pick(r, wrongTokens)}`, false],
    [pick(r, wrongTokens), false], [`Digest username="${token}"`, false]
  ]
  const first = pick(r, forms)
  if (r() < 0.8) return { values: [first[0]], grants: first[1] ? [right] : [] }
  const second = pick(r, forms)
  return { values: [first[0], second[0]], grants: [first, second].filter((f) => f[1]).map(() => right) }
}

/** A path the WHATWG URL parser keeps as is (fetch normalises dot segments). */
export function fetchPath (r: Rng): string {
  const base = pick(r, ROUTES)
  const variants = [
    () => base,
    () => base.toUpperCase(),
    () => base + '/',
    () => base + '/' + chars(r, int(r, 40), ALNUM),
    () => '/' + chars(r, 1 + int(r, 3000), ALNUM + '-_~'),
    () => base + '%2e%2e%2f' + pick(r, ['etc/passwd', 'metrics', '%2e%2e%2f']),
    () => base.replace(/h/g, '%68'),
    () => base + '%00',
    () => base + '%ff%fe%zz%',
    () => '/' + '%41'.repeat(int(r, 4000)),
    () => base + ';jsessionid=' + chars(r, 10, ALNUM)
  ]
  return pick(r, variants)()
}

/** A path for raw sockets: anything goes, including traversal and absolute forms. */
export function rawPath (r: Rng): string {
  const base = pick(r, ROUTES)
  return pick(r, [
    () => fetchPath(r),
    () => '/../../../../etc/passwd',
    () => base + '/../metrics',
    () => '/health/./schema',
    () => '//health',
    () => '\\health',
    () => '*',
    () => 'http://evil.example' + base,
    () => base + '#frag',
    () => '/' + 'a/'.repeat(int(r, 2000)),
    () => base + '\u0000',
    () => '/' + '%'.repeat(int(r, 50))
  ])()
}

export function query (r: Rng, tokens: Tokens): string {
  if (r() < 0.4) return ''
  return '?' + pick(r, [
    () => `token=${pick(r, [chars(r, 20, ALNUM), tokens.health.slice(0, -2), ''])}`,
    () => Array.from({ length: 1 + int(r, 200) }, () => `${chars(r, 3, ALNUM)}=${chars(r, int(r, 50), ALNUM)}`).join('&'),
    () => 'a=' + 'x'.repeat(int(r, 8000)),
    () => 'a=1&a=2&a[]=3&a[b]=4&__proto__[x]=1&constructor[prototype][y]=2',
    () => '%zz=%ff&%00=%',
    () => 'format=json&details=true&verbose=1'
  ])()
}

export function extraHeaders (r: Rng): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const n = int(r, 4)
  for (let i = 0; i < n; i++) {
    out.push(pick(r, [
      (): [string, string] => ['x-' + chars(r, 8, ALNUM), chars(r, int(r, 6000), ALNUM)],
      (): [string, string] => ['accept', pick(r, ['*/*', 'text/html', 'application/json', 'x'.repeat(3000)])],
      (): [string, string] => ['cookie', `sentinel_status=${chars(r, 64, 'abcdef0123456789')}`],
      (): [string, string] => ['content-type', pick(r, ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'])],
      (): [string, string] => ['x-forwarded-for', '127.0.0.1, ' + chars(r, 30, ALNUM)],
      (): [string, string] => ['accept-encoding', 'gzip, deflate, br, zstd, *']
    ])())
  }
  return out
}

export interface RawAnswer { readonly status?: number, readonly text: string }

/** Sends raw bytes on a fresh connection; returns what came back before close or timeout. */
export async function rawRequest (port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<RawAnswer> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      // The final status: after a `100 Continue`, the answer that follows.
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]))
      const status = statuses.find((s) => s >= 200) ?? statuses[0]
      resolve(status === undefined ? { text } : { status, text })
    }
    const timer = setTimeout(done, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', done)
    socket.on('error', done)
    socket.on('connect', () => socket.write(bytes))
  })
}
