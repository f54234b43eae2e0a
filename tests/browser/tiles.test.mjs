// tests/browser/tiles.test.mjs - Leaflet (from npm) in Debian's Chromium reads the monuments
// layer's TileJSON and shows its tiles: a screenshot of the map has coloured pixels where
// the monuments are, and no tile failed to load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launch } from './chromium.mjs';

const require = createRequire(import.meta.url);
const base = process.env.SPADOK_URL;
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('TileJSON loads in Leaflet and the monument tiles appear', async () => {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.setContent('<!doctype html><html><body style="margin:0;background:#fff">'
    + '<div id="map" style="width:512px;height:512px;background:#fff"></div></body></html>');
  await page.addStyleTag({ path: require.resolve('leaflet/dist/leaflet.css') });
  await page.addScriptTag({ path: require.resolve('leaflet/dist/leaflet.js') });
  const result = await page.evaluate(async (base) => {
    const tj = await (await fetch(`${base}/tiles/monuments.json`)).json();
    const map = L.map('map', { zoomControl: false, attributionControl: false, fadeAnimation: false });
    let errors = 0;
    const layer = L.tileLayer(tj.tiles[0], { minZoom: tj.minzoom, maxZoom: tj.maxzoom });
    layer.on('tileerror', () => { errors++; });
    const loaded = new Promise((resolve) => layer.on('load', resolve));
    layer.addTo(map);
    map.setView([tj.center[1], tj.center[0]], 14);
    await loaded;
    return { errors, tiles: document.querySelectorAll('.leaflet-tile-loaded').length, tj };
  }, base);
  assert.equal(result.tj.tilejson, '3.0.0');
  assert.equal(result.errors, 0);
  assert.ok(result.tiles >= 4, `${result.tiles} tiles loaded`);
  // The screenshot, back in the page as an image: count its pixels that are not white.
  const shot = (await page.screenshot({ type: 'png' })).toString('base64');
  const coloured = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) n++;
    return n;
  }, shot);
  assert.ok(coloured > 200, `${coloured} coloured pixels in the screenshot`);
  assert.deepEqual(problems, []);
  await page.close();
});
