// tests/browser/search.test.mjs - search that understands word forms (issue 22), typed as a
// person types: inflected Ukrainian forms ("Лавра", "оперу", "собору") and an English plural
// into the map page's search box, and "собору" into the citizen's report form's monument
// picker on a 360 px phone; each suggests the monuments whose names hold another form of the
// word ("Києво-Печерської лаври", "опери", "собор"), and picking one chooses it. Both go
// through GET /collections/monuments/items?q= (web/picker.js), as the department's search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open as openIn } from './chromium.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
const open = (path, viewport) => openIn(browser, path, viewport);

// The suggestions' texts once list shows one holding `want`.
async function suggest(page, input, list, typed, want) {
  await page.fill(input, typed);
  await page.locator(`${list} li`, { hasText: want }).first().waitFor();
  return page.locator(`${list} li`).allTextContents();
}

test('the map search box finds inflected forms and plurals', async () => {
  const { page, context, problems } = await open('/');
  let got = await suggest(page, '#search', '#suggestions', 'Лавра', 'Києво-Печерської лаври');
  assert.ok(got.some((s) => s.includes('Велика лаврська дзвіниця')), got.join(' | '));
  assert.ok(!got.some((s) => s.includes('Софійський собор')), got.join(' | '));
  got = await suggest(page, '#search', '#suggestions', 'оперу', 'Будинок Національної опери України');
  assert.equal(got.length, 1, got.join(' | '));
  got = await suggest(page, '#search', '#suggestions', 'собору', 'Софійський собор');
  assert.ok(got.some((s) => s.includes('Володимирський собор')), got.join(' | '));
  assert.ok(!got.some((s) => s.includes('церква')), got.join(' | '));
  got = await suggest(page, '#search', '#suggestions', 'churches', 'Андріївська церква');
  assert.ok(!got.some((s) => s.includes('собор')), got.join(' | '));
  // picking a suggestion found by another form opens that monument
  await suggest(page, '#search', '#suggestions', 'Лаврі', 'Києво-Печерської лаври');
  await page.locator('#suggestions li', { hasText: 'Києво-Печерської лаври' }).first().click();
  await page.locator('.leaflet-popup .popup h2').waitFor();
  assert.equal(await page.textContent('.leaflet-popup .popup h2'),
    'Троїцька надбрамна церква Києво-Печерської лаври');
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 360x740 the report form picker finds "собору" and chooses the cathedral', async () => {
  const { page, context, problems } = await open('/report', { width: 360, height: 740 });
  const got = await suggest(page, '#monument-search', '#monument-list', 'собору', 'Софійський собор');
  assert.ok(!got.some((s) => s.includes('Золоті ворота')), got.join(' | '));
  await page.locator('#monument-list [role="option"]', { hasText: 'Софійський собор' }).first().click();
  assert.match(await page.textContent('#chosen-monument'), /Софійський собор/);
  assert.equal(await page.inputValue('#monument-search'), 'Софійський собор');
  assert.deepEqual(problems, []);
  await context.close();
});
