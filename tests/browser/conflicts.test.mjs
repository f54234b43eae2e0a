// tests/browser/conflicts.test.mjs - the department's import conflicts page
// (/department/conflicts) in Debian's Chromium against the real server. test_browser.sh made
// one: an editor changed a monument's English name, and the same import left it alone. The
// page lists it with the source's value, the current one and who changed it; at 360x740 too;
// "take the source's" restores the source's value through the API and the card leaves the
// open list; axe-core finds nothing serious; no console errors; screenshots are saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, axe, shot, account, base } from './chromium.mjs';

const id = Number(process.env.SPADOK_CONFLICT_MONUMENT);
let browser;
let session;

before(async () => {
  browser = await launch();
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(account('editor')) });
  assert.equal(res.status, 200);
  session = await res.json();
});
after(async () => { await browser?.close(); });

const signedIn = () => ({ fn: (x) => sessionStorage.setItem('spadok.session', JSON.stringify(x)), arg: session });

test('an editor sees the import conflict with both values and takes the source\'s', async () => {
  assert.ok(id > 0, 'test_browser.sh names the monument');
  const small = await open(browser, '/department/conflicts', { width: 360, height: 740 }, signedIn());
  await small.page.locator('#cf-list li').first().waitFor();
  await shot(small.page, 'conflicts-360x740');
  assert.deepEqual(await axe(small.page), []);
  await small.context.close();

  const { page, context, problems } = await open(browser, '/department/conflicts', undefined, signedIn());
  const card = page.locator('#cf-list li', { hasText: `№ ${id}` });
  await card.waitFor();
  const text = await card.textContent();
  assert.match(text, /Назва англійською \(name_en\)/, 'the field named in words, and by its name');
  assert.match(text, /St Nicholas on Askold’s Grave \(edited\)/, 'the current value');
  assert.match(text, /olena/, 'who changed it');
  const before = await (await fetch(`${base}/collections/monuments/items/${id}`)).json();
  assert.equal(before.properties.name_en, 'St Nicholas on Askold’s Grave (edited)');
  await shot(page, 'conflicts-1280x800');
  assert.deepEqual(await axe(page), []);
  await card.getByRole('button', { name: 'Взяти з джерела' }).click();
  await page.locator('#cf-status', { hasText: 'взято з джерела' }).waitFor();
  assert.equal(await page.locator('#cf-list li', { hasText: `№ ${id}` }).count(), 0, 'the card leaves the list');
  const after = await (await fetch(`${base}/collections/monuments/items/${id}`)).json();
  assert.notEqual(after.properties.name_en, 'St Nicholas on Askold’s Grave (edited)');
  assert.ok(after.properties.name_en, 'the source\'s English name is back');
  assert.deepEqual(problems, []);
  await context.close();
});
