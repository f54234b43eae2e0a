// tests/browser/privacy.test.mjs - a contributor's choices and a report followed by its number
// (issue 20), in Debian's Chromium against the real server, at 1280x800 and 360x740: the report
// form asks whether the photos may be published (CC BY 4.0 by default, CC0 1.0, or not at all)
// and how to credit them, in Ukrainian and English, and sends the choice with the photo; the
// receipt links to the report's status page, which shows "received", then "not approved" with
// the reason written for the public (never the contact or the internal reason), and says so for
// an unknown number. axe-core finds no serious or critical violation on either page.
// Two reports are sent: they are limited to 20 an hour per address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open as openIn, axe, shot, account, base, jpeg } from './chromium.mjs';

const stamp = Date.now().toString(36);
const contact = `privacy-${stamp}@example.org`;
const internal = `internal-${stamp}`;
const sizes = [{ width: 1280, height: 800 }, { width: 360, height: 740 }];
let browser;
const refs = [];

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
const open = (path, viewport) => openIn(browser, path, viewport);

async function editorToken() {
  const res = await fetch(`${base}/auth/login`, { method: 'POST', body: JSON.stringify(account('editor')) });
  assert.equal(res.status, 200);
  return (await res.json()).token;
}

for (const size of sizes) {
  const tag = `${size.width}x${size.height}`;
  test(`at ${tag}: the photos' consent and licence, sent with the report; the receipt links to its status`, async () => {
    const { page, context, problems } = await open('/report', size);
    assert.equal(await page.textContent('#consent legend'), 'Чи можна опублікувати ваші фото?');
    assert.equal(await page.inputValue('input[name="photo_licence"]:checked'), 'CC-BY-4.0', 'CC BY 4.0 by default');
    assert.equal(await page.locator('input[name="photo_licence"]').count(), 3);
    assert.match(await page.textContent('#consent'), /Ні, не публікувати/);
    await page.click('#lang');
    assert.equal(await page.textContent('#consent legend'), 'May we publish your photos?');
    assert.match(await page.textContent('#consent'), /public domain \(CC0 1\.0\)/);
    assert.equal(await page.textContent('label[for="credit"]'), 'How to credit you under the photos (optional)');
    await page.click('#lang');

    await page.fill('#monument-search', 'Андріївська');
    const option = page.locator('#monument-list [role="option"]', { hasText: 'Андріївська церква' });
    await option.first().waitFor();
    await option.first().click();
    await page.fill('#description', `Тріщина в стіні (${stamp}, ${tag})`);
    await page.fill('#contact', contact);
    await page.setInputFiles('#photos', { name: 'wall.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page) });
    await page.check('input[name="photo_licence"][value="CC0-1.0"]');
    await page.fill('#credit', 'Олена Т.');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= size.width, `nothing wider than the window (${width} px)`);
    await page.locator('#consent').scrollIntoViewIfNeeded();
    await shot(page, `report-consent-${tag}`);
    assert.deepEqual(await axe(page), []);

    await page.click('#submit'); // the choice arrives with the photo: the next test asks the editor's list
    await page.locator('#receipt').waitFor();
    const ref = await page.textContent('#ref');
    refs.push(ref);
    assert.equal(await page.getAttribute('#status-link', 'href'), `/report/${ref}`);
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const size of sizes) {
  const tag = `${size.width}x${size.height}`;
  test(`at ${tag}: the report's status page, received then not approved with the public reason`, async () => {
    const ref = refs[sizes.indexOf(size)];
    assert.ok(ref, 'the report of the test before');
    let { page, context, problems } = await open(`/report/${ref}`, size);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('#ref'), ref);
    assert.match(await page.textContent('#state'), /^Отримано/);
    assert.match(await page.textContent('.steps [aria-current="step"]'), /Отримано/);
    assert.ok(!(await page.textContent('main')).includes(contact), 'no contact');
    await shot(page, `status-received-${tag}`);
    assert.deepEqual(await axe(page), []);
    await page.click('#lang');
    assert.match(await page.textContent('#state'), /^Received/);
    assert.equal(await page.textContent('h1'), 'Report status');
    await page.click('#lang');
    assert.deepEqual(problems, []);
    await context.close();

    // An editor rejects it with an internal and a public reason.
    const token = await editorToken();
    const list = await (await fetch(`${base}/moderation`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const rep = list.reports.find((r) => r.ref === ref);
    assert.equal(rep.photos[0].licence, 'CC0-1.0', 'the editor sees the choice');
    assert.equal(rep.photos[0].credit, 'Олена Т.');
    const res = await fetch(`${base}/moderation/${rep.id}`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ decision: 'reject', reason: internal, public_reason: 'Ця будівля вже під наглядом департаменту.' }),
    });
    assert.equal(res.status, 200);

    ({ page, context, problems } = await open(`/report/${ref}`, size));
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.textContent('#state'), /^Не схвалено/);
    assert.equal(await page.textContent('#reason span'), 'Ця будівля вже під наглядом департаменту.');
    const text = await page.textContent('main');
    assert.ok(!text.includes(internal) && !text.includes(contact), 'no internal reason, no contact');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= size.width, `nothing wider than the window (${width} px)`);
    await shot(page, `status-not-approved-${tag}`);
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('an unknown reference number: said in plain words', async () => {
  const { page, context, problems } = await open('/report/2026-00000000');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('#status'), /не знайдено/);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
  await context.close();
});
