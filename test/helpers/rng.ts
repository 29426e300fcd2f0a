// One seeded PRNG for every generator of random test input (Alembic directories, hostile
// HTTP requests): the same seed gives the same cases, so a failure can be replayed.

export type Rng = () => number

/** mulberry32: small, fast, good enough to pick cases reproducibly. */
export function rng (seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!
