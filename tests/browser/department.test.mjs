// tests/browser/department.test.mjs - the department's pages in Debian's Chromium against the
// real server, signed in as the test accounts (the session is put into sessionStorage before
// the page loads; the sign-in page is tested elsewhere): an editor drags a monument's marker
// and saves, and the API, the public tiles of its old and new place and the public map all
// follow; a text field is saved with PATCH + If-Match (only what changed), a stale ETag shows
// the 412 message and its reload, a wrong value the server's 400 next to its field, a wrong
// role its 403; an outline drawn and then edited with Geoman is saved as a Polygon; a new
// monument is created; an inspector uploads a photo with captions (on the list and on the
// public page) and files a damage report that changes the monument's condition; the overview
// shows the counts and the department's questions with links to the editor, and its search
// opens any monument's editor. axe-core finds nothing serious, there are no console errors,
// and screenshots at 1280x800 and 360x740 are saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open as openIn, tilesLoaded, axe, shot, account, base, jpeg } from './chromium.mjs';

let browser;
const sessions = {};

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A session ({token, login, role}) of a test account, from POST /auth/login.
async function session(which) {
  if (sessions[which]) return sessions[which];
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(account(which)) });
  assert.equal(res.status, 200, `login as ${which}`);
  const { token, login, role } = await res.json();
  sessions[which] = { token, login, role };
  return sessions[which];
}

const signedIn = (s) => ({ fn: (x) => sessionStorage.setItem('spadok.session', JSON.stringify(x)), arg: s });
async function openAs(which, path, viewport) {
  return openIn(browser, path, viewport, signedIn(await session(which)));
}

async function api(path, { as, ...opts } = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (as) headers.Authorization = `Bearer ${(await session(as)).token}`;
  return fetch(base + path, { ...opts, headers });
}

async function item(id) {
  const res = await api(`/collections/monuments/items/${id}`);
  assert.equal(res.status, 200);
  return { feature: await res.json(), etag: res.headers.get('ETag') };
}

// A monument of the sample by its Ukrainian name (through the API: ids are the import's).
async function monument(name) {
  const q = new URLSearchParams({ q: name, limit: '10' });
  const fc = await (await api(`/collections/monuments/items?${q}`)).json();
  const f = fc.features.find((x) => x.properties.name_uk === name);
  assert.ok(f, `the sample has ${name}`);
  return f;
}

// The XYZ tile holding a place, and where in it (pixels from its top left).
function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const fx = ((lon + 180) / 360) * n;
  const r = (lat * Math.PI) / 180;
  const fy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  const x = Math.floor(fx);
  const y = Math.floor(fy);
  return { z, x, y, px: (fx - x) * 256, py: (fy - y) * 256, path: `/tiles/monuments/${z}/${x}/${y}.png` };
}

async function tileBytes(tile) {
  const res = await fetch(base + tile.path, { headers: { 'Cache-Control': 'no-cache' } });
  assert.equal(res.status, 200, tile.path);
  return Buffer.from(await res.arrayBuffer());
}

function metres(lon0, lat0, lon1, lat1) {
  const k = Math.PI / 180;
  const dx = (lon1 - lon0) * k * Math.cos(((lat0 + lat1) / 2) * k);
  const dy = (lat1 - lat0) * k;
  return 6371000 * Math.hypot(dx, dy);
}

// Drags from the middle of `locator` by (dx, dy) pixels in small steps, as a hand would.
async function drag(page, locator, dx, dy) {
  const b = await locator.boundingBox();
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(x + (dx * i) / 12, y + (dy * i) / 12);
  await page.mouse.up();
}

// The greatest alpha of the public map's tile pixels within 3 px of a place.
async function drawnAt(page, tile) {
  return page.evaluate(async ({ path, px, py }) => {
    const img = [...document.querySelectorAll('.monument-tiles img')].find((i) => new URL(i.src).pathname === path);
    if (!img) return -1;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = 256;
    c.height = 256;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0, 256, 256);
    const d = ctx.getImageData(Math.max(0, Math.round(px) - 3), Math.max(0, Math.round(py) - 3), 7, 7).data;
    let a = 0;
    for (let i = 3; i < d.length; i += 4) a = Math.max(a, d[i]);
    return a;
  }, tile);
}

test('an editor drags a monument: the API, its old and new tiles and the public map follow', async () => {
  const m = await monument('Кирилівська церква');
  const [lon0, lat0] = m.geometry.coordinates;
  const oldTile = tileOf(lon0, lat0, 17);
  const oldBytes = await tileBytes(oldTile);
  const { page, context, problems } = await openAs('editor', `/department/monuments/${m.id}`);
  assert.equal(await page.textContent('h1'), 'Кирилівська церква');
  assert.equal(await page.getAttribute('#public-link', 'href'), `/monuments/${m.id}`);
  await tilesLoaded(page, '#edit-map .monument-tiles img');
  assert.equal(Number(await page.inputValue('#f-lon')), lon0, 'the typed coordinates start at the point');
  // About 300 px at zoom 17 (some 230 m): another tile, whatever the point's place in its own.
  await drag(page, page.locator('#edit-map .leaflet-marker-icon'), 300, 60);
  const lon1 = Number(await page.inputValue('#f-lon'));
  const lat1 = Number(await page.inputValue('#f-lat'));
  const moved = metres(lon0, lat0, lon1, lat1);
  assert.ok(moved > 100, `the marker moved ${moved.toFixed(0)} m`);
  assert.ok(await page.isVisible('#geom-changed'), 'the page says the location is not saved yet');
  const newTile = tileOf(lon1, lat1, 17);
  assert.notEqual(`${newTile.x}/${newTile.y}`, `${oldTile.x}/${oldTile.y}`);
  const newBytes = await tileBytes(newTile);
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.click('#save');
  const sent = JSON.parse((await patch).postData());
  assert.deepEqual(sent.properties, {}, 'only the geometry changed');
  assert.deepEqual(sent.geometry, { type: 'Point', coordinates: [lon1, lat1] });
  await page.locator('#rec-status.ok').waitFor();
  assert.match(await page.textContent('#rec-status'), /Зміни збережено \(версія 2\)/);
  assert.ok(!(await page.isVisible('#geom-changed')));
  const { feature } = await item(m.id);
  assert.equal(feature.geometry.type, 'Point');
  assert.ok(Math.abs(feature.geometry.coordinates[0] - lon1) < 1e-6 && Math.abs(feature.geometry.coordinates[1] - lat1) < 1e-6,
    `the API has the new place: ${feature.geometry.coordinates}`);
  assert.ok(!(await tileBytes(oldTile)).equals(oldBytes), 'the old place\'s tile is redrawn (the dot is gone)');
  assert.ok(!(await tileBytes(newTile)).equals(newBytes), 'the new place\'s tile is redrawn (the dot is there)');
  assert.deepEqual(problems, []);
  await context.close();

  // The public map at the new place (a new browser context: nothing cached) draws it there,
  // not at the old place any more, and a click there opens its popup.
  const pub = await openIn(browser, `/#map=17/${lat1}/${lon1}`);
  await tilesLoaded(pub.page);
  assert.ok(await drawnAt(pub.page, newTile) > 128, 'the public map draws the monument at its new place');
  const oldAlpha = await drawnAt(pub.page, oldTile);
  assert.ok(oldAlpha === 0 || oldAlpha === -1, `nothing is drawn at the old place (alpha ${oldAlpha})`);
  const box = await pub.page.locator('#map').boundingBox();
  await pub.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await pub.page.locator('.leaflet-popup .popup h2').waitFor();
  assert.equal(await pub.page.textContent('.leaflet-popup .popup h2'), 'Кирилівська церква');
  assert.deepEqual(pub.problems, []);
  await pub.context.close();
});

test('a text field is saved with PATCH and If-Match; a stale ETag shows 412, a bad value 400, a wrong role 403', async () => {
  const m = await monument('Бессарабський ринок');
  const { etag } = await item(m.id);
  const { page, context, problems } = await openAs('editor', `/department/monuments/${m.id}`);
  await page.fill('#f-name_en', 'Bessarabsky Market (covered market)');
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.click('#save');
  const req = await patch;
  const headers = await req.allHeaders();
  assert.equal(headers['if-match'], etag, 'If-Match is the ETag the page read');
  assert.match(headers['content-type'], /^application\/merge-patch\+json/);
  assert.deepEqual(JSON.parse(req.postData()), { type: 'Feature', properties: { name_en: 'Bessarabsky Market (covered market)' } },
    'only the changed field is sent');
  await page.locator('#rec-status.ok').waitFor();
  const saved = await item(m.id);
  assert.equal(saved.feature.properties.name_en, 'Bessarabsky Market (covered market)');
  assert.notEqual(saved.etag, etag);

  // A second save from the same page uses the new ETag: no 412.
  await page.fill('#f-dating', '1910–1912 рр.');
  await page.click('#save');
  await page.locator('#rec-status.ok').waitFor();
  assert.match(await page.textContent('#rec-status'), /версія 3/);

  // A colleague changes the record through the API meanwhile: this page's save is refused.
  const now = await item(m.id);
  const colleague = await api(`/collections/monuments/items/${m.id}`, {
    as: 'editor', method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': now.etag },
    body: JSON.stringify({ type: 'Feature', properties: { description: 'Змінено колегою' } }) });
  assert.equal(colleague.status, 200);
  await page.fill('#f-name_en', 'Bessarabsky Market');
  await page.click('#save');
  await page.locator('#rec-alert.error').waitFor();
  const alert = await page.textContent('#rec-alert');
  assert.match(alert, /змінив хтось інший \(412\)/);
  assert.equal(await page.getAttribute('#rec-alert', 'role'), 'alert');
  assert.equal((await item(m.id)).feature.properties.name_en, 'Bessarabsky Market (covered market)', 'nothing overwritten');
  await page.click('#reload');
  await page.locator('#rec-status.ok').waitFor();
  assert.equal(await page.inputValue('#f-description'), 'Змінено колегою', 'the reload shows the colleague\'s change');
  assert.equal(await page.textContent('#rec-alert'), '');

  // A value the server refuses: its message is tied to the field.
  await page.fill('#f-wikidata', 'not-a-qid');
  await page.click('#save');
  await page.locator('#rec-alert.error').waitFor();
  assert.match(await page.textContent('#rec-alert'), /400/);
  assert.equal(await page.getAttribute('#f-wikidata', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#f-wikidata-err'), /wikidata/);
  assert.match(await page.getAttribute('#f-wikidata', 'aria-describedby'), /f-wikidata-err/);
  // A required field left empty is caught before sending.
  await page.fill('#f-wikidata', '');
  await page.fill('#f-name_uk', '');
  await page.click('#save');
  assert.equal(await page.getAttribute('#f-name_uk', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#f-name_uk-err'), 'Обов’язкове поле.');
  await page.fill('#f-name_uk', 'Бессарабський ринок');

  // English, from the language button, for the form's labels and the vocabularies.
  await page.click('#lang');
  assert.equal(await page.textContent('label[for="f-name_en"]'), 'Name in English');
  assert.match(await page.textContent('#f-significance'), /local significance/);
  assert.equal(await page.textContent('#save'), 'Save changes');
  await page.click('#lang');
  await shot(page, 'editor-1280x800');
  assert.deepEqual(await axe(page), []);
  // The browser logs every answer that is not a success: these two (412, 400) were asked for.
  assert.deepEqual(problems.filter((p) => !/status of (400|412) /.test(p)), []);
  assert.equal(problems.length, 2, problems.join('\n'));
  await context.close();

  // The page offers editing to whoever says they are an editor; the server decides (403).
  const inspector = await session('inspector');
  const fake = await openIn(browser, `/department/monuments/${m.id}`, undefined, signedIn({ ...inspector, role: 'editor' }));
  await fake.page.fill('#f-name_en', 'Not allowed');
  await fake.page.click('#save');
  await fake.page.locator('#rec-alert.error').waitFor();
  assert.match(await fake.page.textContent('#rec-alert'), /403/);
  assert.equal((await item(m.id)).feature.properties.name_en, 'Bessarabsky Market (covered market)');
  await fake.context.close();
});

test('an outline drawn with Geoman is saved as a Polygon, and its vertices can be moved', async () => {
  const m = await monument('Косий капонір');
  const { page, context, problems } = await openAs('editor', `/department/monuments/${m.id}`);
  await tilesLoaded(page, '#edit-map .monument-tiles img');
  await page.click('#draw-polygon');
  assert.match(await page.textContent('#geom-kind'), /ставити вершини/);
  const b = await page.locator('#edit-map').boundingBox();
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2;
  const corners = [[-90, -70], [90, -70], [90, 70], [-90, 70]];
  for (const [dx, dy] of corners) {
    await page.mouse.click(cx + dx, cy + dy);
    await page.waitForTimeout(100);
  }
  await page.mouse.click(cx + corners[0][0], cy + corners[0][1]); // the first vertex closes it
  await page.locator('#to-point').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#geom-kind'), /Контур/);
  assert.ok(await page.isHidden('#coords'), 'no point coordinates for an outline');
  await page.click('#save');
  await page.locator('#rec-status.ok').waitFor();
  let { feature } = await item(m.id);
  assert.equal(feature.geometry.type, 'Polygon');
  const ring = feature.geometry.coordinates[0];
  assert.equal(ring.length, 5, 'four corners and the closing one');
  const [lon, lat] = m.geometry.coordinates;
  const xs = ring.map((c) => c[0]);
  const ys = ring.map((c) => c[1]);
  assert.ok(Math.min(...xs) < lon && lon < Math.max(...xs) && Math.min(...ys) < lat && lat < Math.max(...ys),
    'the outline is drawn around the old point');

  // Geoman's handles edit it: a corner dragged away changes the saved outline.
  const corner = page.locator('#edit-map .marker-icon:not(.marker-icon-middle)').first();
  await drag(page, corner, -40, -30);
  await page.locator('#geom-changed').waitFor({ state: 'visible' });
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#rec-status')?.textContent.includes('версія 3'));
  ({ feature } = await item(m.id));
  assert.equal(feature.geometry.type, 'Polygon');
  assert.notDeepEqual(feature.geometry.coordinates[0], ring, 'the moved vertex is saved');
  assert.ok(Math.min(...feature.geometry.coordinates[0].map((c) => c[0])) < Math.min(...xs), 'it moved west');

  // And back to a point, at the outline's middle.
  await page.click('#to-point');
  await page.locator('#edit-map .leaflet-marker-icon').first().waitFor();
  assert.ok(await page.isVisible('#coords'));
  await page.click('#save');
  await page.waitForFunction(() => document.querySelector('#rec-status')?.textContent.includes('версія 4'));
  ({ feature } = await item(m.id));
  assert.equal(feature.geometry.type, 'Point');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an editor adds a new monument and lands on its page', async () => {
  const { page, context, problems } = await openAs('editor', '/department/monuments/new');
  assert.equal(await page.textContent('h1'), 'Нова пам’ятка');
  await page.click('#save'); // nothing filled: both problems are named
  assert.equal(await page.getAttribute('#f-name_uk', 'aria-invalid'), 'true');
  await page.fill('#f-name_uk', 'Тестова садиба');
  await page.selectOption('#f-significance', 'newly_identified');
  await page.check('#f-kinds-architecture');
  await page.click('#save');
  assert.equal(await page.textContent('#geometry-err'), 'Задайте розташування на мапі або координатами.');
  await page.fill('#f-lon', '30.62');
  await page.fill('#f-lat', '50.52');
  await page.press('#f-lat', 'Tab');
  await page.locator('#edit-map .leaflet-marker-icon').waitFor();
  await Promise.all([page.waitForURL(/\/department\/monuments\/\d+$/), page.click('#save')]);
  await page.waitForSelector('body[data-ready="true"]');
  const id = Number(page.url().split('/').pop());
  assert.equal(await page.textContent('h1'), 'Тестова садиба');
  const { feature } = await item(id);
  assert.deepEqual(feature.geometry, { type: 'Point', coordinates: [30.62, 50.52] });
  assert.equal(feature.properties.significance, 'newly_identified');
  assert.equal(feature.properties.kinds, 'architecture');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an inspector uploads a photo with captions and files a damage report that changes the condition', async () => {
  const m = await monument('Лисогірський форт Київської фортеці');
  const { page, context, problems } = await openAs('inspector', `/department/monuments/${m.id}`);
  assert.equal(await page.locator('#record-form').count(), 0, 'inspectors do not edit the record');
  const buffer = await jpeg(page);
  await page.setInputFiles('#ph-file', { name: 'fort.jpg', mimeType: 'image/jpeg', buffer });
  await page.fill('#ph-caption_uk', 'Лисогірський форт, південний вал');
  await page.fill('#ph-caption_en', 'Lysa Hora fort, the southern rampart');
  await page.fill('#ph-alt_uk', 'Земляний вал форту, порослий травою');
  await page.fill('#ph-alt_en', 'The fort’s grassy earth rampart');
  await page.fill('#ph-author', 'Іван Інспектор');
  await page.fill('#ph-licence', 'CC BY 4.0');
  await page.click('#ph-upload');
  await page.locator('#ph-status.ok').waitFor();
  await page.waitForFunction(() => document.querySelector('#ph-status').textContent.includes('Додано фото: 1'));
  const card = page.locator('#photo-list li[data-photo]');
  assert.equal(await card.count(), 1);
  assert.match(await card.locator('figcaption').textContent(), /Лисогірський форт, південний вал/);
  assert.equal(await card.locator('img').getAttribute('alt'), 'Земляний вал форту, порослий травою');
  await page.waitForFunction(() => document.querySelector('#photo-list img')?.naturalWidth > 0);

  // A damage report: emergency, from a drone, today.
  const today = new Date().toISOString().slice(0, 10);
  await page.selectOption('#r-report_type', 'damage');
  await page.fill('#r-event_date', today);
  await page.selectOption('#r-condition', 'emergency');
  await page.selectOption('#r-damage_level', 'severe');
  await page.check('#r-causes-drone');
  await page.check('#r-elements-roof');
  await page.fill('#r-description', 'Уламки дрона пошкодили покрівлю казарми.');
  const post = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/reports'));
  await page.click('#rp-submit');
  const body = JSON.parse((await post).postData());
  assert.deepEqual(body.causes, ['drone']);
  assert.equal(body.report_type, 'damage');
  await page.locator('#rp-status.ok').waitFor();
  assert.match(await page.textContent('#rp-status'), /Стан пам’ятки тепер: аварійний/);
  const first = page.locator('#report-list li').first();
  assert.match(await first.textContent(), /пошкодження/);
  assert.match(await first.textContent(), /Уламки дрона/);
  assert.equal(await page.textContent('#condition-now'), 'аварійний');
  assert.equal((await item(m.id)).feature.properties.condition, 'emergency');
  await page.evaluate(() => document.getElementById('reports').scrollIntoView({ block: 'start' }));
  await shot(page, 'editor-inspector-1280x800');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();

  // The public monument page shows the photo with its caption, and the report.
  const pub = await openIn(browser, `/monuments/${m.id}`);
  assert.match(await pub.page.textContent('.gallery figcaption'), /Лисогірський форт, південний вал/);
  await pub.page.waitForFunction(() => document.querySelector('.gallery img')?.naturalWidth > 0);
  assert.match(await pub.page.textContent('.timeline'), /Уламки дрона/);
  assert.deepEqual(pub.problems, []);
  await pub.context.close();
});

for (const [w, h] of [[1280, 800], [360, 740]]) {
  test(`the overview at ${w}x${h}: counts, the department's questions with links to the editor, search`, async () => {
    // An emergency on a monument of its own, so this test stands alone.
    const m = await monument('Троїцька церква Китаївської пустині');
    if ((await item(m.id)).feature.properties.condition !== 'emergency') {
      const res = await api(`/collections/monuments/items/${m.id}/reports`, {
        as: 'inspector', method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ report_type: 'damage', condition: 'emergency', damage_level: 'moderate',
          event_date: new Date().toISOString().slice(0, 10), description: 'Вибухова хвиля' }) });
      assert.equal(res.status, 201);
    }
    const stats = await (await api('/stats')).json();
    const { page, context, problems } = await openAs('editor', '/department', { width: w, height: h });
    assert.equal(await page.textContent('h1'), 'Огляд реєстру');
    assert.equal(await page.getAttribute('.dept-nav a[aria-current="page"]', 'href'), '/department');
    // The counts, as tables with headers.
    assert.equal(await page.textContent('#stats-total'), `Усього пам’яток: ${stats.total}.`);
    for (const g of ['district', 'condition', 'significance']) {
      assert.equal(await page.locator(`#stats-${g} tbody tr`).count(), stats[g].length, g);
      assert.equal(await page.locator(`#stats-${g} th[scope="col"]`).count(), 2);
    }
    const emergencies = stats.condition.find((r) => r.key === 'emergency').count;
    assert.equal(await page.textContent('#stats-condition tr[data-key="emergency"] td'), String(emergencies));
    assert.equal(await page.textContent('#stats-condition tr[data-key="emergency"] th'), 'аварійний');
    // The questions: emergency lists the monument, linked to its editor and public page.
    assert.equal(await page.textContent('#q-emergency .count'), String(emergencies));
    const link = page.locator(`#q-emergency a[href="/department/monuments/${m.id}"]`);
    assert.equal(await link.textContent(), 'Троїцька церква Китаївської пустині');
    assert.equal(await page.locator(`#q-emergency a[href="/monuments/${m.id}"]`).count(), 1);
    assert.equal(await page.locator(`#q-damaged_30 a[href="/department/monuments/${m.id}"]`).count(), 1, 'damaged in the last 30 days');
    // Long lists show 20 and link the rest.
    const overdue = (await (await api('/collections/monuments/items?act_overdue=true&limit=1')).json()).numberMatched;
    assert.equal(await page.textContent('#q-act_overdue .count'), String(overdue));
    assert.equal(await page.locator('#q-act_overdue li').count(), Math.min(20, overdue));
    if (overdue > 20) assert.equal(await page.getAttribute('#q-act_overdue p a', 'href'), '/collections/monuments/items?act_overdue=true&f=html');
    assert.equal(await page.getAttribute('#new-monument', 'href'), '/department/monuments/new');
    // Overflowing the phone's width would hide content.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    await shot(page, `dashboard-${w}x${h}`);
    assert.deepEqual(await axe(page), []);
    // The search opens any monument's editor.
    await page.fill('#find-q', 'Кирилівська');
    const found = page.locator('#find-results a[href^="/department/monuments/"]').first();
    await found.waitFor();
    assert.equal(await found.textContent(), 'Кирилівська церква');
    assert.match(await page.textContent('#find-count'), /Знайдено: 1/);
    await Promise.all([page.waitForURL(/\/department\/monuments\/\d+$/), found.click()]);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('h1'), 'Кирилівська церква');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the editor at 360x740: one column, nothing wider than the screen, accessible', async () => {
  const m = await monument('Бессарабський ринок');
  const { page, context, problems } = await openAs('editor', `/department/monuments/${m.id}`, { width: 360, height: 740 });
  await tilesLoaded(page, '#edit-map .monument-tiles img');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  const map = await page.locator('#edit-map').boundingBox();
  assert.ok(map.width <= 360 && map.width > 250, `the map fits (${map.width} px)`);
  await shot(page, 'editor-360x740');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
  const insp = await openAs('inspector', `/department/monuments/${m.id}`, { width: 360, height: 740 });
  assert.ok(await insp.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await insp.page.evaluate(() => document.getElementById('photos').scrollIntoView({ block: 'start' }));
  await shot(insp.page, 'editor-inspector-360x740');
  assert.deepEqual(await axe(insp.page), []);
  assert.deepEqual(insp.problems, []);
  await insp.context.close();
});

test('without a session the department\'s pages send to the sign-in page', async () => {
  for (const path of ['/department', '/department/monuments/1']) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base + path);
    await page.waitForURL(/\/login\?next=/);
    assert.equal(new URL(page.url()).searchParams.get('next'), path);
    await context.close();
  }
});
