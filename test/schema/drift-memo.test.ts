// The drift check's memory: the last result stands only under the same catalog fingerprint,
// and not longer than VERIFY_EVERY_MS, however quiet the catalog.
import t from 'tap'
import { DriftMemo, VERIFY_EVERY_MS } from '../../src/schema/drift-memo.js'

t.test('the last result stands under the same fingerprint, for a while', async (t) => {
  const memo = new DriftMemo<string>()
  t.equal(memo.reuse('f1', 0), undefined, 'nothing before a first read')
  memo.replace(new Map([['public\u0000t', { hash: 'h', drift: { findings: [], columnsCompared: 1 } }]]), 'f1', 'result', 1000)
  t.equal(memo.reuse('f1', 1000 + VERIFY_EVERY_MS - 1), 'result', 'same fingerprint: reused')
  t.equal(memo.reuse('f2', 1001), undefined, 'another fingerprint: read again')
  t.equal(memo.reuse('f1', 1000 + VERIFY_EVERY_MS), undefined, 'after VERIFY_EVERY_MS: read again')
  t.same(memo.get('public\u0000t', 'h'), { findings: [], columnsCompared: 1 }, 'a table under its digest')
  t.equal(memo.get('public\u0000t', 'other'), undefined, 'not under another digest')
})
