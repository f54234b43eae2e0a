// tests/browser/web.test.mjs - the public web pages in Debian's Chromium against the real
// server: the map shows Spadok's tiles; a click on a known monument opens its popup; a
// Cyrillic search finds it; a filter redraws the tiles; English replaces the labels and is
// remembered; the monument page shows its photo and condition timeline, description,
// dating, protection documents, sources as links, datasets with their licences, and a
// significance not established as such (issue 20); no console errors;
// axe-core finds no serious or critical accessibility problem; screenshots at 1280x800 and
// 360x740 are saved to $SPADOK_ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, open as openIn, tilesLoaded, axe, shot, base } from './chromium.mjs';

const monument = process.env.SPADOK_MONUMENT; // Золоті ворота, with a photo and a report
const [lon, lat] = (process.env.SPADOK_MONUMENT_AT || '30.51333,50.44889').split(',').map(Number);
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });
const open = (path, viewport) => openIn(browser, path, viewport);

test('the map shows the monument tiles, in Ukrainian, without errors', async () => {
  const { page, context, problems } = await open(`/#map=16/${lat}/${lon}`);
  const srcs = await tilesLoaded(page);
  assert.ok(srcs.every((s) => s.includes('/tiles/monuments/')), 'tiles are Spadok\'s');
  assert.equal(await page.getAttribute('html', 'lang'), 'uk');
  assert.equal(await page.textContent('#filters-toggle'), 'Фільтри');
  assert.equal(await page.locator('#legend li').count() > 3, true, 'the key is drawn from TileJSON');
  // Issue 20: the sizes' key says an unknown significance is unknown, apart from local.
  assert.match(await page.textContent('#legend-sizes'), /місцевого значення.*значення не встановлено/s);
  await shot(page, 'map-1280x800');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a click on a known monument opens its popup with a link to its page', async () => {
  const { page, context, problems } = await open(`/#map=17/${lat}/${lon}`);
  await tilesLoaded(page);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.leaflet-popup .popup');
  await popup.waitFor();
  assert.equal(await popup.locator('h2').textContent(), 'Золоті ворота');
  assert.match(await popup.textContent(), /Категорія: національного значення/);
  assert.equal(await popup.locator('a').getAttribute('href'), `/monuments/${monument}`);
  await popup.locator('img').waitFor(); // its photo's thumbnail
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Cyrillic search suggests the monument and picking it opens it', async () => {
  const { page, context, problems } = await open('/');
  await page.fill('#search', 'золоті');
  const first = page.locator('#suggestions li').first();
  await first.waitFor();
  assert.match(await first.textContent(), /Золоті ворота/);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.leaflet-popup .popup h2').waitFor();
  assert.equal(await page.textContent('.leaflet-popup .popup h2'), 'Золоті ворота');
  await page.waitForURL(/#map=1[6-9]\//); // the view is in the address
  assert.deepEqual(problems, []);
  await context.close();
});

test('a filter redraws the tiles and is kept in the address', async () => {
  const { page, context, problems } = await open(`/#map=14/${lat}/${lon}`);
  const before = await tilesLoaded(page);
  await page.click('#filters-toggle');
  await page.selectOption('#f-significance', 'not_established');
  await page.waitForFunction(() => [...document.querySelectorAll('.monument-tiles img')]
    .some((i) => i.src.includes('significance=not_established')));
  const after = await tilesLoaded(page);
  assert.ok(!before.some((s) => s.includes('significance=')));
  assert.ok(after.some((s) => s.includes('significance=not_established')));
  assert.match(page.url(), /significance=not_established/);
  // The shared link shows the same filter.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await shared.waitForSelector('body[data-ready="true"]');
  assert.equal(await shared.inputValue('#f-significance'), 'not_established');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the district and "damaged since" filters redraw the tiles and the click answers', async () => {
  const { page, context, problems } = await open(`/#map=14/${lat}/${lon}`);
  await tilesLoaded(page);
  await page.click('#filters-toggle');
  const districts = await page.$$eval('#f-district option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(districts.length, 10, 'Kyiv\'s ten districts, from /vocabularies');
  await page.selectOption('#f-district', 'Шевченківський район');
  await page.waitForFunction(() => [...document.querySelectorAll('.monument-tiles img')]
    .some((i) => new URL(i.src).searchParams.get('district') === 'Шевченківський район'));
  await tilesLoaded(page);
  await page.fill('#f-damaged', '2020-01-01');
  await page.waitForFunction(() => [...document.querySelectorAll('.monument-tiles img')]
    .some((i) => i.src.includes('damaged_since=2020-01-01')));
  const shared = new URLSearchParams(new URL(page.url()).hash.slice(1));
  assert.equal(shared.get('district'), 'Шевченківський район', 'kept in the address');
  assert.equal(shared.get('damaged_since'), '2020-01-01');
  // The click asks the items with the same filters: nothing in the sample was damaged.
  const items = page.waitForResponse((r) => r.url().includes('/collections/monuments/items?') &&
    r.url().includes('damaged_since=2020-01-01'));
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 3, box.y + box.height / 2);
  assert.equal((await (await items).json()).numberMatched, 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a base map named by serve --basemap is drawn under the monuments, with its attribution', async () => {
  const site = process.env.SPADOK_BASEMAP_SITE;
  const { page, context, problems } = await newPage(browser);
  await page.goto(`${site}/#map=14/${lat}/${lon}`);
  await page.waitForSelector('body[data-ready="true"]');
  await tilesLoaded(page, '.base-tiles img');
  const srcs = await page.$$eval('.base-tiles img', (imgs) => imgs.map((i) => i.src));
  assert.ok(srcs.every((u) => u.startsWith(`${base}/tiles/zones/`)), 'from the other origin');
  assert.match(await page.textContent('.leaflet-control-attribution'), /Base map test attribution/);
  // Under the monuments: the base pane's layer comes first.
  assert.equal(await page.evaluate(() => document.querySelector('.leaflet-tile-pane').firstElementChild
    .classList.contains('base-tiles')), true);
  await tilesLoaded(page);
  assert.deepEqual(problems, [], 'the CSP lets the base map in');
  await context.close();
});

test('English replaces the labels and is remembered', async () => {
  const { page, context, problems } = await open('/');
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#filters-toggle'), 'Filters');
  assert.equal(await page.textContent('#lang'), 'Українська');
  assert.match(await page.textContent('#f-condition'), /emergency/);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#filters-toggle'), 'Filters', 'remembered');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the map on a 360 px phone', async () => {
  const { page, context, problems } = await open(`/#map=15/${lat}/${lon}`, { width: 360, height: 740 });
  await tilesLoaded(page);
  await page.click('#filters-toggle');
  await shot(page, 'map-360x740');
  const panel = await page.locator('#filters').boundingBox();
  assert.ok(panel.width <= 360, 'the filters fit the screen');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [w, h] of [[1280, 800], [360, 740]]) {
  test(`the monument page at ${w}x${h}: photo, timeline, history, download`, async () => {
    const { page, context, problems } = await open(`/monuments/${monument}`, { width: w, height: h });
    assert.equal(await page.textContent('h1'), 'Золоті ворота');
    assert.match(await page.title(), /Золоті ворота/);
    const img = page.locator('.gallery img').first();
    assert.ok(await img.getAttribute('alt'), 'the photo has alt text');
    await page.waitForFunction(() => document.querySelector('.gallery img')?.naturalWidth > 0);
    assert.match(await page.textContent('.timeline'), /огляд|технічн/);
    assert.equal(await page.getAttribute('a[download]', 'href'), `/collections/monuments/items/${monument}?f=json`);
    // Issue 20: all the public may see. The description, both names, the dating, the
    // protection documents known (test_browser.sh sets them), the sources as links.
    assert.match(await page.textContent('.description'), /брами міста Ярослава/);
    assert.match(await page.textContent('main'), /Golden Gate of Kyiv/);
    assert.match(await page.textContent('[data-field="dating"]'), /1017–1024/);
    assert.equal(await page.textContent('[data-field="significance"]'), 'національного значення');
    assert.equal(await page.textContent('[data-field="register_act"]'), 'Тестовий наказ № 1 від 2001-01-01');
    assert.equal(await page.textContent('[data-field="agreement"]'), '№ Т-1 від 2002-02-02');
    assert.equal(await page.textContent('[data-field="passport_ref"]'), 'Тестовий паспорт 1');
    const src = page.locator('.sources a[href="https://via-regia.org.ua/sights/zoloti-vorota-1017-1024-rr/"]');
    assert.equal(await src.getAttribute('rel'), 'noopener');
    assert.match(await page.textContent('.sources'), /coords: compiler estimate/, 'a title stays text');
    assert.equal(await page.locator('.sources a').count(), 2);
    // The data set its values come from, with its licence, from the item's `datasets`.
    const set = page.locator('.datasets li');
    assert.equal(await set.count(), 1);
    assert.match(await set.textContent(), /Spadok sample monument list \(Kyiv\)/);
    assert.equal(await set.locator('a', { hasText: 'CC-BY-4.0' }).getAttribute('href'),
      'https://creativecommons.org/licenses/by/4.0/');
    assert.doesNotMatch(await page.textContent('main'), /null|undefined/);
    assert.match(await page.textContent('.gallery figcaption'), /Автор: Іван · Ліцензія: CC BY 4.0/);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= w, `nothing wider than the screen (${wide} px)`);
    await shot(page, `monument-${w}x${h}`, { fullPage: true });
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// Issue 20: a significance nobody established is said to be so, not "місцевого значення".
const yar = async () => (await (await fetch(`${base}/collections/monuments/items?q=${encodeURIComponent('Бабин Яр')}&limit=1`)).json()).features[0];
for (const [w, h] of [[1280, 800], [360, 740]]) {
  test(`a significance not established is shown as such at ${w}x${h}, in both languages`, async () => {
    const { id } = await yar();
    const { page, context, problems } = await open(`/monuments/${id}`, { width: w, height: h });
    assert.equal(await page.textContent('h1'), 'Бабин Яр');
    assert.equal(await page.textContent('[data-field="significance"]'), 'значення не встановлено');
    assert.doesNotMatch(await page.textContent('main'), /місцевого значення/);
    assert.equal(await page.textContent('[data-field="condition"]'), 'невідомо');
    assert.match(await page.textContent('main'), /Охоронних документів у реєстрі не зазначено/);
    await shot(page, `monument-not-established-${w}x${h}`, { fullPage: true });
    assert.deepEqual(await axe(page), []);
    await page.click('#lang');
    assert.equal(await page.textContent('[data-field="significance"]'), 'significance not established');
    assert.doesNotMatch(await page.textContent('main'), /local significance/);
    await page.click('#lang');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the datasets of an item, with their licences, and "licence unknown" when it is', async () => {
  const { id } = await yar();
  const { page, context, problems } = await newPage(browser);
  // Any registry's data sets: one with every detail, one that declared nothing (and an
  // address that is no web address), given to the page in place of the server's.
  await page.route(`${base}/collections/monuments/items/${id}`, async (route) => {
    const res = await route.fetch();
    const f = await res.json();
    f.properties.datasets = [
      { name: 'kyiv_sample_monuments', title: 'Пам’ятки Києва (вибірка)', publisher: 'Spadok',
        licence: 'CC-BY-4.0', licence_url: 'https://creativecommons.org/licenses/by/4.0/',
        attribution: 'Укладач вибірки Spadok', url: 'https://example.org/sample', retrieved: '2026-11-30' },
      { name: 'mystery', title: '', publisher: null, licence: 'unknown', licence_url: null,
        attribution: null, url: 'javascript:alert(1)', retrieved: null },
    ];
    await route.fulfill({ response: res, json: f });
  });
  await page.goto(`${base}/monuments/${id}`);
  await page.waitForSelector('body[data-ready="true"]');
  const items = page.locator('.datasets li');
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).textContent(), /Пам’ятки Києва \(вибірка\) — Spadok\. Укладач вибірки Spadok/);
  assert.equal(await items.nth(0).locator('a', { hasText: 'CC-BY-4.0' }).getAttribute('href'),
    'https://creativecommons.org/licenses/by/4.0/');
  assert.match(await items.nth(1).textContent(), /mystery.*ліцензія невідома/s);
  assert.equal(await items.nth(1).locator('a').count(), 0, 'no link from a non-http address');
  await shot(page, 'monument-datasets-1280x800', { fullPage: true });
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an unknown monument says so', async () => {
  const { page, context } = await open('/monuments/99999999');
  assert.equal(await page.textContent('h1'), 'Пам’ятку не знайдено');
  await context.close();
});
