// serve shapes V8's heap (src/heap-tuning.ts): size mode until the first Report; the young
// generation held at its first size through start-up, then let grow to YOUNG_CAP_BYTES; a
// setting of the user's wins. The young generation is checked in child processes (the flags
// are process-wide), size mode's flags with a watcher.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { tuneHeap, YOUNG_CAP_BYTES } from '../src/heap-tuning.js'

const run = promisify(execFile)
const MODULE = new URL('../src/heap-tuning.ts', import.meta.url).href
const MB = 1024 * 1024

async function child<T> (code: string): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    const { tuneHeap } = await import(${JSON.stringify(MODULE)})
    const v8 = await import('node:v8')
    ${code}`])
  return JSON.parse(stdout) as T
}

/**
 * The young generation's size before and after allocating 120,000 survivors over 2.4 s (in
 * small steps, as a service's work comes: the cap is checked between them). As serve runs it:
 * through start-up the growth factor's hold and size mode (which keeps the young generation
 * small too) act together.
 */
async function young (startedUp: boolean, nodeOptions: string): Promise<{ before: number, after: number, sizes: number[] }> {
  return await child(`
    const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size
    const before = size()
    const heap = tuneHeap(() => ${String(startedUp)}, { nodeOptions: ${JSON.stringify(nodeOptions)} })
    const keep = []
    const sizes = new Set([before])
    for (let chunk = 0; chunk < 20; chunk++) {
      for (let i = 0; i < 6000; i++) {
        keep.push({ i, s: 'x' + i, a: [i] })
        if (i % 500 === 0) sizes.add(size())
      }
      await new Promise((resolve) => setTimeout(resolve, 120))
    }
    heap.stop()
    process.stdout.write(JSON.stringify({ before, after: size(), sizes: [...sizes], kept: keep.length }))`)
}

// Node 20's V8 doubles its semi-spaces, and only when the growth factor lets it: there the hold
// and the cap are exact. Node 26's grows its young generation a 256 KB page at a time, so there
// both are soft (bench/RESULTS.md has its figures); an uncapped run tells which V8 this is.
const uncapped = await young(true, 'semi-space (a user setting: the cap stays off)')
const doubling = uncapped.sizes.every((size) => Number.isInteger(Math.log2(size / uncapped.before)))

t.test('young generation: held at its first size during start-up where V8 doubles', async (t) => {
  const { before, after } = await young(false, '')
  if (doubling) t.equal(after, before, `no growth with survivors (${after / MB} MB)`)
  else t.ok(after <= uncapped.after, `no more than V8's own growth (${after / MB} vs ${uncapped.after / MB} MB)`)
})

t.test('young generation: afterwards it grows, up to the cap where V8 doubles', async (t) => {
  const { before, after } = await young(true, '')
  t.ok(after > before, `grown after start-up (${before / MB} -> ${after / MB} MB)`)
  if (doubling) t.ok(after <= YOUNG_CAP_BYTES, `within the cap (${after / MB} MB)`)
})

t.test('young generation: a semi-space setting of the user wins', async (t) => {
  const { after } = await young(false, '--max-semi-space-size=16')
  t.ok(after > YOUNG_CAP_BYTES, `V8 grows it as usual (${after / MB} MB)`)
})

// What size mode saves is measured in `npm run bench` (part 4: peak RSS with the 5,000-table
// manifest); here, that serve enters and leaves it when it should.
t.test('size mode ends with start-up, and with stop()', async (t) => {
  const flags: string[] = []
  let up = false
  const heap = tuneHeap(() => up, { nodeOptions: '', setFlags: (f) => { flags.push(f) } })
  t.same(flags, ['--optimize-for-size', '--semi-space-growth-factor=1'], 'from the start')
  await new Promise((resolve) => setTimeout(resolve, 250))
  t.notOk(flags.includes('--no-optimize-for-size'), 'still in size mode before the first Report')
  up = true
  await new Promise((resolve) => setTimeout(resolve, 250))
  t.equal(flags.filter((f) => f === '--no-optimize-for-size').length, 1, 'left once started up')
  heap.stop()
  t.equal(flags.filter((f) => f === '--no-optimize-for-size').length, 1, 'not again on stop')

  const early: string[] = []
  tuneHeap(() => false, { nodeOptions: '', setFlags: (f) => { early.push(f) } }).stop()
  t.equal(early.at(-1), '--no-optimize-for-size', 'a service stopped before its first Report leaves size mode too')

  const user: string[] = []
  tuneHeap(() => false, { nodeOptions: '--optimize-for-size', setFlags: (f) => { user.push(f) } }).stop()
  t.same(user, ['--semi-space-growth-factor=1'], "the user's --optimize-for-size (node's command line): only the young generation is ours")
  const semi: string[] = []
  tuneHeap(() => false, { nodeOptions: '--max-semi-space-size=4', setFlags: (f) => { semi.push(f) } }).stop()
  t.same(semi, [], "the user's semi-space size: nothing set")
})
