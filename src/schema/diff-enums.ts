// Enum types against the manifest: a label the code writes that the database lacks fails every
// INSERT with it (fail); a label only the database has, or another order, is worth knowing (info).
import type { CatalogEnum } from './catalog-objects.js'
import type { ExpectedEnum } from './expected.js'
import type { Add } from './findings.js'
import { qualified } from './names.js'

export function compareEnums (want: readonly ExpectedEnum[], live: ReadonlyMap<string, CatalogEnum>, keyOf: (e: ExpectedEnum) => string | undefined, add: Add): void {
  for (const e of want) {
    const key = keyOf(e)
    if (key === undefined) continue
    const have = live.get(key)
    const type = qualified(have?.schema ?? key.split('\u0000')[0]!, e.name)
    if (have === undefined) {
      add('missing_enum', { type }, `enum type ${type} is expected but missing`)
      continue
    }
    const present = new Set(have.labels)
    const wanted = new Set(e.labels)
    for (const value of e.labels) {
      if (!present.has(value)) add('missing_enum_value', { type, value }, `enum type ${type} lacks label '${value}'`)
    }
    for (const value of have.labels) {
      if (!wanted.has(value)) add('extra_enum_value', { type, value }, `enum type ${type} has label '${value}', not in the manifest`)
    }
    // Order among the labels both sides have; a missing or extra label is reported above.
    const expectedOrder = e.labels.filter((l) => present.has(l))
    const liveOrder = have.labels.filter((l) => wanted.has(l))
    if (expectedOrder.some((l, i) => l !== liveOrder[i])) {
      add('enum_order_mismatch', { type, expected: { labels: e.labels }, actual: { labels: have.labels } },
        `enum type ${type} orders its labels ${liveOrder.join(', ')}, expected ${expectedOrder.join(', ')}`)
    }
  }
}
