// tests/browser/chromium.mjs - Debian's Chromium driven by playwright-core, started the way
// every browser test starts it (headless, no sandbox, no GPU, no background traffic), and what
// the web page tests share: opening a page and collecting its console errors, waiting for the
// monument tiles, axe-core, screenshots to $SPADOK_ARTIFACTS, and logging in as staff.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const base = process.env.SPADOK_URL;
const artifacts = process.env.SPADOK_ARTIFACTS;
if (artifacts) mkdirSync(artifacts, { recursive: true });

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update'],
  });
}

// A new context (options as for browser.newContext, 1280x800 unless said) and page;
// `problems` collects console errors, page errors and failed requests (not cancelled ones).
// init: {fn, arg}, a script run in the page before its own.
export async function newPage(browser, options = {}, init = null) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  if (init) await context.addInitScript(init.fn, init.arg);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('requestfailed', (r) => { // a request cancelled by a navigation or a map move is not one
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  return { page, context, problems };
}

// newPage at `path` of `site` (the server under test unless said), answered 200 and ready
// (body[data-ready="true"]). The viewport may carry other context options (hasTouch, isMobile).
export async function open(browser, path, viewport = { width: 1280, height: 800 }, init = null, site = base) {
  const { width, height, ...options } = viewport;
  const { page, context, problems } = await newPage(browser, { viewport: { width, height }, ...options }, init);
  const res = await page.goto(site + path, { waitUntil: 'load' });
  assert.equal(res.status(), 200, path);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, context, problems };
}

// The monument tiles once all are loaded: their addresses.
export async function tilesLoaded(page, selector = '.monument-tiles img') {
  await page.waitForFunction((sel) => {
    const tiles = document.querySelectorAll(sel);
    return tiles.length >= 4 && [...tiles].every((i) => i.complete);
  }, selector);
  return page.$$eval(selector, (imgs) => imgs.map((i) => i.src));
}

// axe-core is evaluated through the DevTools protocol: the pages' CSP forbids injected
// scripts, and stays on while the check runs. Serious and critical violations only.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// options as for page.screenshot (fullPage: true for a long page).
export async function shot(page, name, options = {}) {
  if (artifacts) await page.screenshot({ path: `${artifacts}/${name}.png`, ...options });
}

// Staff accounts from the environment ('login:password'), set by test_browser.sh.
export function account(which) {
  const v = process.env[which === 'editor' ? 'SPADOK_EDITOR' : 'SPADOK_INSPECTOR'] || '';
  const i = v.indexOf(':');
  return { login: v.slice(0, i), password: v.slice(i + 1) };
}

// A real JPEG of 640x480, drawn on a canvas in the page, as the bytes of a file to attach.
export async function jpeg(page) {
  const url = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 640, 480);
    grad.addColorStop(0, '#8a5a2b');
    grad.addColorStop(1, '#d9c7a3');
    g.fillStyle = grad;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#333';
    g.fillRect(200, 150, 240, 180);
    return c.toDataURL('image/jpeg', 0.85);
  });
  const buf = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  assert.deepEqual([...buf.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  return buf;
}
