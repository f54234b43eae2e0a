// web/i18n.js - the pages' words in Ukrainian (the default) and English from the catalogues
// web/i18n/uk.json and en.json, the chosen language remembered in the browser, and the
// registry's vocabularies (GET /vocabularies) with their labels in both. Elements name their text with data-i18n (text), data-i18n-placeholder and
// data-i18n-aria; vocabulary codes are shown with SP.label(domain, code).
'use strict';
window.SP = (() => {
  // The catalogues: web/i18n/uk.json and en.json, one per language, for every page (a
  // translator edits one file). Their versioned addresses are on this script's tag.
  // Until they are loaded a word is its key; elements with data-i18n are redrawn then.
  const words = { uk: {}, en: {} };
  const tag = document.currentScript;
  let isLoaded = false;
  const loaded = Promise.all(Object.keys(words).map((l) =>
    fetch(tag?.dataset[l] || `/static/i18n/${l}.json`).then((r) => (r.ok ? r.json() : {}))
      .then((w) => { words[l] = w; }).catch(() => {}))).then(() => { isLoaded = true; });
  const stored = (() => { try { return localStorage.getItem('spadok.lang'); } catch (e) { return null; } })();
  let lang = stored === 'en' ? 'en' : 'uk';
  let vocab = {};

  // A word in the chosen language; a key missing from a catalogue is said once in the
  // console (the browser tests fail on it) and shown as itself.
  const missing = new Set();
  function t(key) {
    const w = words[lang][key] ?? words.uk[key];
    if (w == null && isLoaded && !missing.has(key)) {
      missing.add(key);
      console.error(`i18n: no word '${key}' in web/i18n/${lang}.json`);
    }
    return w ?? key;
  }
  const has = (key) => key in words[lang] || key in words.uk;
  // A record field's name as the editor's form says it (key f_<field>); null when it has none.
  const fieldLabel = (field) => (has(`f_${field}`) ? t(`f_${field}`) : null);

  function apply(root = document) {
    document.documentElement.lang = lang;
    root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    root.querySelectorAll('[data-i18n-aria]').forEach((el) => {
      el.setAttribute('aria-label', t(el.dataset.i18nAria));
    });
    const other = document.getElementById('lang');
    if (other) other.lang = lang === 'uk' ? 'en' : 'uk';
  }

  function label(domain, code) {
    if (code == null || code === '') return t('unknown');
    const item = (vocab[domain] || []).find((v) => v.code === code);
    return item ? item[`label_${lang}`] : code;
  }

  // A name in the chosen language, the other when it is missing (with its lang).
  function name(p) {
    const own = lang === 'en' ? p.name_en : p.name_uk;
    return own || p.name_uk || p.name_en || '';
  }

  const listeners = [];
  function setLang(l) {
    lang = l;
    try { localStorage.setItem('spadok.lang', l); } catch (e) { /* private mode */ }
    apply();
    listeners.forEach((fn) => fn(l));
  }

  async function loadVocab() {
    const res = await fetch('/vocabularies', { headers: { Accept: 'application/json' } });
    if (res.ok) vocab = await res.json();
    return vocab;
  }

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  // Pages start with SP.start(fn): once the document and the catalogues are there, words applied.
  const ready = new Promise((resolve) => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve);
    else resolve();
  }).then(() => loaded).then(() => {
    apply();
    document.getElementById('lang')?.addEventListener('click', () => setLang(lang === 'uk' ? 'en' : 'uk'));
  });
  const start = (fn) => { ready.then(fn); };

  return {
    t, has, fieldLabel, label, name, el, apply, loadVocab, start,
    get lang() { return lang; },
    get vocab() { return vocab; },
    onLang: (fn) => listeners.push(fn),
  };
})();
