// bench/web.d/measure.mjs - loads pages in Debian's Chromium (headless, as the browser tests
// start it) and measures what a visitor waits for: the page's weight (HTML, scripts and
// styles as sent, i.e. gzip when the server compresses, and unpacked) and the time from
// navigation to the first monument tile drawn (an <img> of /tiles/monuments/ finishing its
// load, on performance.now()'s clock, which starts at navigation). Every run is a new browser
// context: nothing cached. Prints one tab-separated line per page:
//   label  path  requests  weight_gzip_bytes  weight_raw_bytes  first_tile_ms...
// With --record DIR, the first run of each page also saves every response body under
// DIR/<path>/__body.<ext>, for nginx to serve the same bytes as static files.
//   node measure.mjs --url URL --label L --runs N [--record DIR] [--session JSON] PATH...
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launch } from '../../tests/browser/chromium.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { // the last one given wins
  let v = dflt;
  for (let i; (i = args.indexOf(`--${name}`)) >= 0;) [, v] = args.splice(i, 2);
  return v;
};
const url = opt('url');
const label = opt('label', 'spadok');
const runs = Number(opt('runs', '10'));
const record = opt('record', null);
const session = opt('session', null);
const paths = args;
if (!url || !paths.length || !(runs > 0)) {
  console.error('usage: measure.mjs --url URL --label L --runs N [--record DIR] [--session JSON] PATH...');
  process.exit(2);
}

const EXT = { 'text/html': 'html', 'text/css': 'css', 'text/javascript': 'js', 'application/javascript': 'js',
  'application/json': 'json', 'application/geo+json': 'json', 'image/png': 'png', 'image/svg+xml': 'svg',
  'image/jpeg': 'jpg' };

async function once(browser, path, save) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((s) => {
    if (s) sessionStorage.setItem('spadok.session', s);
    window.__firstTile = null;
    document.addEventListener('load', (e) => {
      const t = e.target;
      if (window.__firstTile == null && t.tagName === 'IMG' && t.src.includes('/tiles/monuments/'))
        window.__firstTile = performance.now();
    }, true);
  }, session);
  const page = await context.newPage();
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(url + path, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  let tile = null;
  try {
    await page.waitForFunction(() => window.__firstTile != null, null, { timeout: 5000 });
    tile = await page.evaluate(() => window.__firstTile);
  } catch (e) { /* a page without the monument layer */ }
  let gz = 0;
  let raw = 0;
  let n = 0;
  for (const r of responses) {
    const type = r.request().resourceType();
    const body = await r.body().catch(() => null);
    if (save && body && r.status() === 200) {
      const u = new URL(r.url());
      const ct = (r.headers()['content-type'] || '').split(';')[0];
      const file = join(save, u.pathname, `__body.${EXT[ct] || 'bin'}`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, body);
    }
    if (!['document', 'script', 'stylesheet'].includes(type)) continue;
    n++;
    raw += body ? body.length : 0;
    gz += (await r.request().sizes()).responseBodySize;
  }
  await context.close();
  return { n, gz, raw, tile };
}

const browser = await launch();
try {
  for (const path of paths) {
    const tiles = [];
    let weight = null;
    for (let i = 0; i < runs; i++) {
      const m = await once(browser, path, i === 0 ? record : null);
      weight ??= m;
      if (m.tile != null) tiles.push(m.tile.toFixed(1));
    }
    console.log([label, path, weight.n, weight.gz, weight.raw, ...tiles].join('\t'));
  }
} finally {
  await browser.close();
}
