// tests/browser/overview.test.mjs - the state of heritage at a glance (/overview, issue 22), in
// Debian's Chromium against the real server, at 1280x800 and 360x740, in both languages: the
// map's key links to it; five charts (condition, damage by month since 2022-02, the standing
// questions, significance, district), each an image with a name, its numbers as a table equal
// to GET /stats, and a CSV of its own group; nothing wider than a phone; axe-core finds nothing
// serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, axe, shot, base } from './chromium.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const stats = async (lang) => (await fetch(`${base}/stats?lang=${lang}`)).json();

for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  test(`overview on a ${name}: charts with their numbers and CSV`, async () => {
    const { page, context, problems } = await open(browser, '/overview', viewport);
    const s = await stats('uk');
    const groups = await page.$$eval('.overview-chart', (els) => els.map((e) => e.id));
    assert.deepEqual(groups, ['ov-condition', 'ov-damage_month', 'ov-question', 'ov-significance', 'ov-district']);
    for (const id of groups) {
      const named = await page.$eval(`#${id} svg[role="img"]`, (svg) => document.getElementById(svg.getAttribute('aria-labelledby'))?.textContent);
      assert.ok(named, `${id}: the chart is named by its heading`);
    }
    // The condition table is /stats' condition group, row for row, and adds up to the total.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    const rows = await page.$$eval('#ov-condition tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[1].textContent.replace(/\D/g, ''))]));
    assert.equal(rows.length, s.condition.length);
    assert.equal(rows.reduce((n, [, c]) => n + c, 0), s.total);
    for (const c of s.condition) assert.ok(rows.some(([l, n]) => l === c.label && n === c.count), `${c.label} ${c.count}`);
    // Each chart's CSV is its own group.
    const href = await page.$eval('#ov-district a[download]', (a) => a.href);
    const csv = await (await fetch(href)).text();
    const lines = csv.trim().split(/\r\n/);
    assert.equal(lines[0], 'group,key,label_uk,label_en,count');
    assert.ok(lines.length > 1 && lines.slice(1).every((l) => l.startsWith('district,')), csv.slice(0, 200));
    // A month axis from February 2022 to now.
    const years = await page.$$eval('#ov-damage_month svg text.chart-label', (ts) => ts.map((t) => t.textContent));
    assert.equal(years[0], '2022');
    assert.ok(years.includes(String(new Date().getUTCFullYear())), years.join(' '));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(wide <= 0, `${wide}px wider than the screen`);
    assert.deepEqual(await axe(page), []);
    await shot(page, `overview-${name}`, { fullPage: true });
    // English: headings, labels and numbers in the other language, from /stats?lang=en.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForFunction(() => /Monuments by condition/.test(document.querySelector('#ov-condition h2')?.textContent || ''));
    const en = await stats('en');
    await page.waitForFunction((label) => [...document.querySelectorAll('#ov-condition tbody th')].some((t) => t.textContent === label), en.condition[0].label);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the map\'s key links to the overview', async () => {
  const { page, context, problems } = await open(browser, '/');
  assert.equal(await page.getAttribute('#key a[href="/overview"]', 'href'), '/overview');
  assert.deepEqual(problems, []);
  await context.close();
});
