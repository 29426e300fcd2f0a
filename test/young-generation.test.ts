// serve keeps V8's young generation at its first size (src/young-generation.ts), unless the
// user gave node a semi-space setting. Checked in a child process: the flag is process-wide.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'

const run = promisify(execFile)
const MODULE = new URL('../src/young-generation.ts', import.meta.url).href

/** The young generation's size in MB after allocating 300,000 survivors. */
async function youngMb (nodeOptions: string): Promise<number> {
  const code = `
    const { keepYoungGenerationSmall } = await import(${JSON.stringify(MODULE)})
    const v8 = await import('node:v8')
    keepYoungGenerationSmall(${JSON.stringify(nodeOptions)})
    const keep = []
    for (let i = 0; i < 300000; i++) keep.push({ i, s: 'x' + i, a: [i] })
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
    process.stdout.write(String(ns.space_size / 1048576) + ' ' + keep.length)`
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code])
  return Number(stdout.split(' ')[0])
}

t.test('the young generation stays at its first size', async (t) => {
  t.ok(await youngMb('') <= 4, 'no growth with survivors (V8 would grow it to 32 MB)')
})

t.test('a semi-space setting of the user wins', async (t) => {
  t.ok(await youngMb('--max-semi-space-size=16') > 4, 'V8 grows it as usual')
})
