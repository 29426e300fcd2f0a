// Status-page sessions: random, tied to the token, expiring, and not forgeable.
import t from 'tap'
import { issueSession, SESSION_TTL_S, sessionValid } from '../../src/routes/session.js'

t.test('a session is good for its token until it expires', async (t) => {
  const now = Date.parse('2026-11-24T10:00:00Z')
  const session = issueSession('the-token', now)
  t.ok(sessionValid('the-token', session, now))
  t.ok(sessionValid('the-token', session, now + (SESSION_TTL_S - 1) * 1000), 'just before it expires')
  t.notOk(sessionValid('the-token', session, now + SESSION_TTL_S * 1000), 'expired')
  t.notOk(sessionValid('a-rotated-token', session, now), 'a new token ends every session')
  t.not(issueSession('the-token', now), session, 'random: two sessions differ')
  t.notMatch(session, 'the-token')
})

t.test('altered sessions are refused', async (t) => {
  const now = Date.now()
  const [expires, id, tag] = issueSession('the-token', now).split('.')
  const later = String(Number(expires) + 3600)
  for (const value of [`${later}.${id}.${tag}`, `${expires}.${id!.replace(/^./, (c) => c === 'A' ? 'B' : 'A')}.${tag}`, `${expires}.${id}`, '', 'x.y.z', `${expires}.${id}.${tag}.x`]) {
    t.notOk(sessionValid('the-token', value, now), JSON.stringify(value))
  }
})
