// tests/browser/report.test.mjs - the citizen's damage report and its moderation in Debian's
// Chromium against the real server: on a 360 px phone a monument is found by a Cyrillic search,
// a real JPEG (drawn on a canvas) attached and previewed, the button disabled while sending,
// and the receipt shows a reference number; a report at a point marked on the map (and the
// "my location" button); a bad submission (nothing filled, a file that is no image) is
// explained beside its fields and keeps what was typed; English relabels the form. Staff sign
// in at /login (a wrong password is refused; an inspector is told moderation is not theirs); the
// editor lands on the moderation queue, sees the report with its contact and its photo (fetched
// with the token), rejects one without a reason (refused) and with one, approves the other,
// which leaves the queue, and its photo and description reach the monument's public page,
// credited and licensed as the citizen chose (the form's default: CC BY 4.0, anonymous).
// axe-core on every page; no console errors beyond the refusals the test asks for.
// Few reports are sent: they are limited to 20 an hour per address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, open as openIn, axe, shot, account, base, jpeg } from './chromium.mjs';

const stamp = Date.now().toString(36);
const byMonument = `Відпала штукатурка біля входу, тріщина над вікном (${stamp})`;
const atPoint = `Зруйновано огорожу скверу (${stamp})`;
const contact = `test-${stamp}@example.org`;
const phone = { width: 360, height: 740 };
let browser;
let monumentId = null; // Андріївська церква
let session = null; // the editor's, for a second page without signing in again

before(async () => {
  browser = await launch();
  // The tile cache is created by the first tile request; several at once on a new cache are
  // answered 500 (SQLite "database is locked" creating its schema), not what is tested here.
  await fetch(`${base}/tiles/monuments/12/2395/1380.png`);
});
after(async () => { await browser?.close(); });
const open = (path, viewport) => openIn(browser, path, viewport);

// The console errors the browser writes for answers the test provokes on purpose.
const except = (problems, status) => problems.filter((p) => !p.includes(`status of ${status}`));

async function signIn(page, who) {
  await page.fill('#login', who.login);
  await page.fill('#password', who.password);
  await page.click('#submit');
}

test('at 360x740: a monument found in Cyrillic, a photo, the receipt with its number', async () => {
  const { page, context, problems } = await open('/report', phone);
  assert.equal(await page.getAttribute('html', 'lang'), 'uk');
  assert.equal(await page.textContent('h1'), 'Повідомити про пошкодження');
  await page.fill('#monument-search', 'Андріївська');
  const option = page.locator('#monument-list [role="option"]', { hasText: 'Андріївська церква' });
  await option.first().waitFor();
  assert.equal(await page.getAttribute('#monument-search', 'aria-expanded'), 'true');
  await option.first().click();
  assert.match(await page.textContent('#chosen-monument'), /Обрано пам’ятку: Андріївська церква/);
  assert.equal(await page.inputValue('#monument-search'), 'Андріївська церква');

  await page.fill('#description', byMonument);
  await page.fill('#contact', contact);
  await page.setInputFiles('#photos', { name: 'damage.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page) });
  await page.waitForFunction(() => document.querySelector('#previews img')?.naturalWidth > 0);
  assert.match(await page.getAttribute('#previews img', 'alt'), /Фото 1: damage\.jpg/);
  // A photo is removed and added again: one preview, removable by a named button.
  await page.click('#previews .remove');
  assert.equal(await page.locator('#previews li').count(), 0);
  await page.setInputFiles('#photos', { name: 'damage.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page) });
  assert.equal(await page.locator('#previews li').count(), 1);
  assert.equal(await page.getAttribute('#previews .remove', 'aria-label'), 'Прибрати фото 1');

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (${width} px)`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'report-360x740');
  assert.deepEqual(await axe(page), []);

  // The request is held to see the button disabled while it is sent.
  let release;
  const held = new Promise((r) => { release = r; });
  let sent = null;
  await page.route('**/reports', async (route) => {
    sent = route.request();
    await held;
    await route.continue();
  });
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('submit').disabled);
  assert.match(sent.headers()['content-type'], /^multipart\/form-data/);
  release();
  await page.locator('#receipt').waitFor();
  const ref = await page.textContent('#ref');
  assert.match(ref, /^\d{4}-[0-9A-F]{8}$/, 'a reference number');
  assert.ok(await page.locator('#report-form').isHidden(), 'the form gives way to the receipt');
  assert.match(await page.textContent('#receipt'), /Отримано фото: 1/);
  assert.match(await page.textContent('#receipt'), /Що далі/);
  const toMonument = page.locator('#receipt a', { hasText: 'Андріївська церква' });
  monumentId = Number((await toMonument.getAttribute('href')).split('/')[2]);
  assert.ok(monumentId > 0);
  assert.equal(await page.getAttribute('#receipt a[href="/"]', 'href'), '/');
  await shot(page, 'receipt-360x740');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a report at a point marked on the map, and "my location"', async () => {
  const { page, context, problems } = await newPage(browser, {
    geolocation: { latitude: 50.4547, longitude: 30.5238 }, permissions: ['geolocation'],
  });
  await page.goto(`${base}/report`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#report-map .leaflet-tile')]
    .some((i) => i.src.includes('/tiles/monuments/') && i.complete));
  await page.click('#locate');
  await page.waitForFunction(() => /50\.45470, 30\.52380/.test(document.getElementById('chosen-point').textContent));
  // A tap on the map moves the mark there.
  const box = await page.locator('#report-map').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.waitForFunction(() => !/50\.45470, 30\.52380/.test(document.getElementById('chosen-point').textContent));
  assert.match(await page.textContent('#chosen-point'), /Позначене місце: 50\.\d{5}, 30\.\d{5}/);
  assert.equal(await page.locator('#report-map .leaflet-marker-icon').count(), 1, 'one mark on the map');
  await page.fill('#description', atPoint);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'report-1280x800');
  assert.deepEqual(await axe(page), []);
  await page.click('#submit');
  await page.locator('#receipt').waitFor();
  assert.match(await page.textContent('#ref'), /^\d{4}-[0-9A-F]{8}$/);
  assert.match(await page.getAttribute('#receipt a >> text=Це місце на мапі', 'href'), /^\/#map=18\/50\.\d+\/30\.\d+$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad submission is explained beside its fields and keeps what was typed', async () => {
  const { page, context, problems } = await open('/report', phone);
  await page.fill('#contact', contact);
  await page.click('#submit');
  const alert = page.locator('#form-error[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Оберіть пам’ятку зі списку або позначте місце на мапі/);
  assert.match(await alert.textContent(), /Опишіть, що пошкоджено/);
  assert.doesNotMatch(await alert.textContent(), /null|undefined/);
  assert.equal(await page.getAttribute('#description', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#description', 'aria-describedby'), /description-error/);
  assert.equal(await page.textContent('#description-error'), 'Опишіть, що пошкоджено.');
  assert.equal(await page.inputValue('#contact'), contact, 'the contact stays');

  // A file that is not an image is not taken; one that claims to be and is not is refused by
  // the server (415), said in plain words, and nothing typed is lost.
  await page.setInputFiles('#photos', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  assert.match(await page.textContent('#photos-error'), /Це не зображення, його не додано: notes\.txt/);
  assert.equal(await page.locator('#previews li').count(), 0);
  await page.locator('#report-map').click();
  await page.fill('#description', atPoint);
  await page.setInputFiles('#photos', { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') });
  assert.equal(await page.textContent('#photos-error'), '', 'the new choice clears the old error');
  await page.click('#submit');
  await page.waitForFunction(() => /фото/.test(document.getElementById('photos-error').textContent));
  assert.match(await alert.textContent(), /Один із файлів не вдалося прочитати як фото/);
  assert.match(await alert.textContent(), /Відповідь сервера:/);
  assert.equal(await page.inputValue('#description'), atPoint, 'the description stays');
  assert.equal(await page.inputValue('#contact'), contact);
  assert.equal(await page.locator('#previews li').count(), 1, 'the photo stays, to be removed');
  assert.match(await page.textContent('#chosen-point'), /50\.\d{5}, 30\.\d{5}/);
  assert.ok(await page.locator('#receipt').isHidden());
  assert.equal(await page.isDisabled('#submit'), false);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(except(problems, 415), []);
  await context.close();
});

test('English relabels the form, and /report?monument=ID names the monument', async () => {
  assert.ok(monumentId, 'the first test found the monument');
  const { page, context, problems } = await open(`/report?monument=${monumentId}`);
  assert.match(await page.textContent('#chosen-monument'), /Андріївська церква/);
  assert.equal(await page.inputValue('#monument-search'), 'Андріївська церква');
  assert.equal(await page.textContent('label[for="description"]'), 'Що пошкоджено? (обов’язково)');
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('h1'), 'Report damage');
  assert.equal(await page.textContent('label[for="description"]'), 'What is damaged? (required)');
  assert.equal(await page.textContent('label[for="contact"]'), 'Phone or e-mail (optional)');
  assert.equal(await page.textContent('#submit'), 'Send the report');
  assert.match(await page.textContent('#chosen-monument'), /Chosen monument: St Andrew's Church/);
  assert.match(await page.title(), /Report damage/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the map popup and the monument page link to the report form', async () => {
  const { page, context, problems } = await open(`/monuments/${monumentId}`);
  assert.equal(await page.getAttribute('a >> text=Повідомити про пошкодження', 'href'), `/report?monument=${monumentId}`);
  const map = await open('/');
  assert.equal(await map.page.getAttribute('header a.report-link', 'href'), '/report');
  assert.deepEqual(problems, []);
  await map.context.close();
  await context.close();
});

test('the login page on a 360 px phone', async () => {
  const { page, context, problems } = await open('/login', { width: 360, height: 740 });
  await shot(page, 'login-360x740');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'nothing wider than the screen');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong password is refused with the server\'s words', async () => {
  const { page, context, problems } = await open('/login');
  await shot(page, 'login-1280x800');
  assert.deepEqual(await axe(page), []);
  await signIn(page, { login: account('editor').login, password: 'not the password' });
  const alert = page.locator('#login-error[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Неправильний логін або пароль/);
  assert.match(await alert.textContent(), /wrong login or password/);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.inputValue('#login'), account('editor').login, 'the login stays');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('spadok.session')), null);
  assert.deepEqual(except(problems, 401), []);
  await context.close();
});

test('an inspector on the moderation page is told it is for editors', async () => {
  const { page, context, problems } = await newPage(browser);
  await page.goto(`${base}/department/moderation`);
  await page.waitForURL(/\/login\?next=%2Fdepartment%2Fmoderation$/); // no session yet
  await page.waitForSelector('body[data-ready="true"]');
  await signIn(page, account('inspector'));
  await page.waitForURL(/\/department\/moderation$/);
  await page.waitForSelector('body[data-ready="true"]');
  const alert = page.locator('#mod-error[role="alert"]');
  assert.match(await alert.textContent(), /Модерація доступна лише редакторам департаменту/);
  assert.match(await alert.textContent(), /moderation is for the editor role/);
  assert.ok(await page.locator('#queue').isHidden());
  assert.equal(await page.locator('.dept-nav a[aria-current="page"]').textContent(), 'Модерація');
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(except(problems, 403), []);
  await context.close();
});

test('the editor signs in, sees the reports with their photos, rejects one and approves one', async () => {
  assert.ok(monumentId, 'the first test sent a report');
  // The monument's public gallery before the decision.
  const pub = await open(`/monuments/${monumentId}`);
  const photosBefore = await pub.page.locator('.gallery img').count();
  await pub.context.close();

  const { page, context, problems } = await newPage(browser);
  await page.goto(`${base}/login?next=${encodeURIComponent('/department/moderation')}`);
  await page.waitForSelector('body[data-ready="true"]');
  await signIn(page, account('editor'));
  await page.waitForURL(/\/department\/moderation$/);
  await page.waitForSelector('body[data-ready="true"]');
  session = await page.evaluate(() => sessionStorage.getItem('spadok.session'));
  assert.equal(JSON.parse(session).role, 'editor');

  const mine = page.locator('#queue .card', { hasText: byMonument });
  const other = page.locator('#queue .card', { hasText: atPoint });
  await mine.waitFor();
  assert.equal(await other.count(), 1, 'one report at a point (the refused one never arrived)');
  const text = await mine.textContent();
  assert.match(text, /Андріївська церква/);
  assert.match(text, new RegExp(contact.replace(/[.]/g, '\\.')), 'staff see the contact');
  assert.equal(await mine.locator('a[href^="/monuments/"]').getAttribute('href'), `/monuments/${monumentId}`);
  const thumb = mine.locator('.thumbs img');
  assert.equal(await thumb.count(), 1);
  await page.waitForFunction((d) => {
    const card = [...document.querySelectorAll('#queue .card')].find((c) => c.textContent.includes(d));
    const img = card?.querySelector('.thumbs img');
    return img && img.complete && img.naturalWidth > 0;
  }, byMonument);
  assert.match(await thumb.getAttribute('src'), /^blob:/);
  // The citizen's choice for the photos (the form's default), which approval follows.
  assert.match(await mine.locator('.consent').textContent(), /CC-BY-4\.0 · підпис: анонімно/);
  assert.ok(await thumb.getAttribute('alt'), 'the thumbnail has alt text');
  await shot(page, 'moderation-1280x800');
  assert.deepEqual(await axe(page), []);
  await mine.locator('.thumb').click(); // the web copy, larger
  await page.waitForFunction((d) => {
    const card = [...document.querySelectorAll('#queue .card')].find((c) => c.textContent.includes(d));
    return card?.querySelector('.large img')?.naturalWidth > 0;
  }, byMonument);
  assert.match(await other.textContent(), /Місце\s*50\.\d{5}, 30\.\d{5}/);

  // The same queue on a phone, with the same session.
  const small = await openIn(browser, '/department/moderation', phone,
    { fn: (s) => sessionStorage.setItem('spadok.session', s), arg: session });
  await small.page.locator('#queue .card', { hasText: byMonument }).waitFor();
  await small.page.waitForFunction(() => [...document.querySelectorAll('.thumbs img')].every((i) => i.naturalWidth > 0));
  const width = await small.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `nothing wider than the phone (${width} px)`);
  await shot(small.page, 'moderation-360x740');
  assert.deepEqual(await axe(small.page), []);
  assert.deepEqual(small.problems, []);
  await small.context.close();

  // The report at a point: approving needs its monument; rejecting needs a reason.
  await other.locator('button', { hasText: 'Схвалити' }).click();
  assert.match(await other.locator('.approve .field-error').textContent(), /Оберіть пам’ятку/);
  await other.locator('button', { hasText: 'Відхилити' }).click();
  assert.equal(await other.locator('.reject .field-error').textContent(), 'Напишіть причину відхилення.');
  assert.equal(await other.locator('.reject textarea[required]').getAttribute('aria-invalid'), 'true');
  await other.locator('.reject textarea[required]').fill('Не пам’ятка: огорожа скверу');
  await other.getByLabel('Причина для громадянина').fill('Огорожа скверу не є пам’яткою.');
  await other.locator('button', { hasText: 'Відхилити' }).click();
  await other.waitFor({ state: 'detached' });
  assert.match(await page.textContent('#mod-status[role="status"]'), /Відхилено повідомлення \d{4}-[0-9A-F]{8}/);

  // The report on the monument: approved as confirmed.
  await mine.locator('select[id^="ver-"]').selectOption('confirmed');
  await mine.locator('button', { hasText: 'Схвалити' }).click();
  await mine.waitFor({ state: 'detached' });
  assert.match(await page.textContent('#mod-status'), /Схвалено повідомлення \d{4}-[0-9A-F]{8}/);

  // It has left the pending queue, and is among the approved.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#queue .card', { hasText: byMonument }).count(), 0, 'no longer pending');
  await page.selectOption('#status-filter', 'approved');
  await page.locator('#queue .card', { hasText: byMonument }).waitFor();
  assert.match(await page.locator('#queue .card', { hasText: byMonument }).textContent(), /схвалено/);
  assert.equal(await page.locator('#queue .card', { hasText: byMonument }).locator('button', { hasText: 'Схвалити' }).count(), 0);
  await page.selectOption('#status-filter', 'rejected');
  await page.locator('#queue .card', { hasText: atPoint }).waitFor();
  assert.match(await page.locator('#queue .card', { hasText: atPoint }).textContent(), /Не пам’ятка: огорожа скверу/);
  assert.deepEqual(problems, []);
  await context.close();

  // The photo is now public on the monument's page, and the report in its timeline.
  const after = await open(`/monuments/${monumentId}`);
  assert.equal(await after.page.locator('.gallery img').count(), photosBefore + 1, 'one more photo');
  await after.page.waitForFunction(() => [...document.querySelectorAll('.gallery img')].every((i) => i.naturalWidth > 0));
  assert.match(await after.page.textContent('.timeline'), new RegExp(stamp));
  assert.match(await after.page.textContent('.gallery'), /Автор: анонімно · Ліцензія: CC-BY-4\.0/, 'credited as the citizen chose');
  assert.deepEqual(after.problems, []);
  await after.context.close();
});
