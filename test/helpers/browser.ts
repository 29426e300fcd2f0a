// Debian's Chromium, headless, driven by playwright-core. Never downloads a browser.
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'

export const CHROMIUM = '/usr/bin/chromium'

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Launches Chromium for one test file; it is closed in `t`'s teardown. */
export async function launchChromium (t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 })
  t.teardown(() => browser.close())
  return browser
}
