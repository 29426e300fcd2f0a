// The bearer check every health and metrics request with a token pays: exactly the token,
// whatever its length, and nothing that merely starts or ends like it.
import t from 'tap'
import { authorizer } from '../../src/routes/auth.js'

t.test('accepts exactly the token, with the scheme in any case', async (t) => {
  const ok = authorizer('s3cret-token-123')
  for (const header of ['Bearer s3cret-token-123', 'bearer s3cret-token-123', 'BEARER \ts3cret-token-123 ']) t.ok(ok(header), header)
  t.ok(ok(['Bearer s3cret-token-123', 'Bearer other']), 'the first of repeated headers')
  const refused = [undefined, '', 'Bearer', 'Bearer ', 's3cret-token-123', 'Basic s3cret-token-123', 'Bearer s3cret-token-12',
    'Bearer s3cret-token-1234', 'Bearer s3cret-token-124', 'Bearer S3CRET-TOKEN-123', 'Bearer s3cret-token-123\u0000', 'Bearer s3cret-token-123 x']
  for (const header of refused) t.notOk(ok(header), JSON.stringify(header))
})

t.test('tokens longer than the comparison width, and multi-byte ones', async (t) => {
  const long = 'x'.repeat(300) + 'end'
  const check = authorizer(long)
  t.ok(check(`Bearer ${long}`))
  t.notOk(check(`Bearer ${'x'.repeat(300)}enD`))
  t.notOk(check(`Bearer ${'x'.repeat(256)}`), 'the first 256 bytes are not enough')
  const wide = authorizer('tök€n')
  t.ok(wide('Bearer tök€n'))
  t.notOk(wide('Bearer tök€'))
  const past = authorizer('short')
  t.notOk(past(`Bearer short${'y'.repeat(400)}`), 'a given token longer than the width is refused')
})

t.test('no token configured: everyone may see details', async (t) => {
  t.ok(authorizer(undefined)(undefined))
})
