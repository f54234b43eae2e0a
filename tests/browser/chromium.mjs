// tests/browser/chromium.mjs - Debian's Chromium driven by playwright-core, started the way
// every browser test starts it (headless, no sandbox, no GPU, no background traffic).
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update'],
  });
}
