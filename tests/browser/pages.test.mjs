// tests/browser/pages.test.mjs - the HTML pages of the API render in Debian's Chromium
// (driven by playwright-core) without console errors, in Ukrainian with English beside it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './chromium.mjs';

const base = process.env.SPADOK_URL;
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const pages = [
  ['/?f=html', 'Спадок'],
  ['/collections?f=html', 'Колекції'],
  ['/collections/monuments?f=html', 'Пам’ятки'],
  ['/collections/monuments/items?f=html&limit=20', 'Софійський собор'],
  ['/collections/monuments/items/1?f=html', 'name_uk'],
  ['/collections/condition_reports/items?f=html', 'Звіти'],
];

for (const [path, text] of pages) {
  test(`page ${path} renders without console errors`, async () => {
    const page = await browser.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    const res = await page.goto(base + path);
    assert.equal(res.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'uk');
    assert.ok((await page.textContent('body')).includes(text), `${path} shows ${text}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a browser asking for HTML gets HTML from the items URL, JSON from /api', async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${base}/collections/monuments/items?limit=2`);
  assert.match(res.headers()['content-type'], /^text\/html/);
  const api = await page.goto(`${base}/api`);
  assert.match(api.headers()['content-type'], /openapi\+json/);
  await page.close();
});
