// tests/web/catalogue.test.mjs - the pages' words live in one catalogue per language
// (web/i18n/uk.json, en.json; issue 22): both hold the same keys, none empty, with the same
// {placeholders}; every key a page names (data-i18n* attributes, and the literal keys given to
// the pages' word helpers: t('key'), tx(tag, 'key'), ...) is in both; and no page script keeps
// words of its own (no Cyrillic outside comments, no SP.addWords). Keys built at run time
// (`role_${role}`) are caught in the browser tests instead: SP.t says a missing key in the
// console, which fails them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const web = join(import.meta.dirname, '..', '..', 'web');
const cat = Object.fromEntries(['uk', 'en'].map((l) => [l, JSON.parse(readFileSync(join(web, 'i18n', `${l}.json`), 'utf8'))]));
const files = (ext) => readdirSync(web).filter((f) => f.endsWith(ext)).map((f) => [f, readFileSync(join(web, f), 'utf8')]);
const KEY = /^[a-z][a-z0-9_]*$/;

// Which arguments of each word helper are keys (by position).
const helpers = { t: [0], fmt: [0], say: [0], show: [0], nav: [0], row: [0], link: [0], tx: [1], word: [1],
  button: [1], section: [1], field: [1, 3], statTable: [1, 2] };

function usedKeys() {
  const used = new Map(); // key -> where
  const use = (k, where) => { if (KEY.test(k) && !used.has(k)) used.set(k, where); };
  for (const [f, s] of [...files('.html'), ...files('.js')])
    for (const m of s.matchAll(/data-i18n(?:-placeholder|-aria)?["']?\s*[=:]\s*["']([a-z0-9_]+)["']/g)) use(m[1], f);
  for (const [f, s] of files('.js')) {
    for (const m of s.matchAll(/\b([A-Za-z]+)\(([^()]*)\)/g)) {
      const positions = Object.hasOwn(helpers, m[1]) ? helpers[m[1]] : null;
      if (!positions) continue;
      const args = m[2].split(',').map((a) => a.trim());
      for (const i of positions) {
        const lit = /^'([^']*)'$/.exec(args[i] || '');
        if (lit) use(lit[1], `${f}: ${m[0].slice(0, 60)}`);
      }
    }
    for (const m of s.matchAll(/showAlert\(\[\s*'([a-z0-9_]+)'/g)) use(m[1], f);
  }
  return used;
}

test('both catalogues hold the same keys, none empty, with the same placeholders', () => {
  const uk = Object.keys(cat.uk), en = Object.keys(cat.en);
  assert.deepEqual(uk.filter((k) => !(k in cat.en)), [], 'keys missing in en.json');
  assert.deepEqual(en.filter((k) => !(k in cat.uk)), [], 'keys missing in uk.json');
  assert.ok(uk.length > 300, `${uk.length} keys`);
  for (const l of ['uk', 'en']) {
    const empty = Object.entries(cat[l]).filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => k);
    assert.deepEqual(empty, [], `empty words in ${l}.json`);
  }
  const holes = (v) => [...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  const differ = uk.filter((k) => holes(cat.uk[k]) !== holes(cat.en[k] || ''));
  assert.deepEqual(differ, [], 'placeholders differ');
});

test('every key a page names is in both catalogues', () => {
  const used = usedKeys();
  assert.ok(used.size > 200, `${used.size} keys found in the pages`);
  for (const l of ['uk', 'en']) {
    const missing = [...used].filter(([k]) => !(k in cat[l])).map(([k, where]) => `${k} (${where})`);
    assert.deepEqual(missing, [], `named by a page but missing in ${l}.json`);
  }
});

test('no page script keeps words of its own', () => {
  for (const [f, s] of files('.js')) {
    const code = s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    assert.doesNotMatch(code, /[\u0400-\u04ff]/, `${f}: Cyrillic words in code (put them in web/i18n/)`);
    assert.doesNotMatch(code, /addWords/, f);
  }
});
