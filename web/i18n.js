// web/i18n.js - the pages' words in Ukrainian (the default) and English, the chosen language
// remembered in the browser, and the registry's vocabularies (GET /vocabularies) with their
// labels in both. Elements name their text with data-i18n (text), data-i18n-placeholder and
// data-i18n-aria; vocabulary codes are shown with SP.label(domain, code).
'use strict';
window.SP = (() => {
  const words = {
    uk: {
      brand: 'Спадок', other_lang: 'English', search_label: 'Пошук пам’ятки',
      search_placeholder: 'Назва, адреса…', filters: 'Фільтри', condition: 'Стан',
      significance: 'Категорія', kind: 'Вид', any: 'Усі', legend: 'Умовні позначення: стан',
      legend_sizes: 'Розмір: категорія',
      map_label: 'Мапа пам’яток', more: 'Докладніше', locate: 'Де я?',
      no_results: 'Нічого не знайдено', not_found: 'Пам’ятку не знайдено',
      address: 'Адреса', dating: 'Датування', district: 'Район', protection_no: 'Охоронний №',
      last_inspected: 'Останнє обстеження', photos: 'Фото', timeline: 'Історія стану',
      history: 'Зміни запису', download: 'Завантажити GeoJSON', no_photos: 'Фото ще немає',
      no_reports: 'Звітів ще немає', unknown: 'невідомо', back: '← До мапи',
      report_damage: 'Повідомити про пошкодження', by: 'хто', photo_by: 'Автор',
      licence: 'Ліцензія', title_map: 'Спадок — мапа пам’яток Києва',
      damaged_since: 'Пошкоджені від', damaged_since_hint: 'Лише пам’ятки з пошкодженням від цієї дати',
      anonymous: 'анонімно',
    },
    en: {
      brand: 'Spadok', other_lang: 'Українська', search_label: 'Find a monument',
      search_placeholder: 'Name, address…', filters: 'Filters', condition: 'Condition',
      significance: 'Significance', kind: 'Kind', any: 'All', legend: 'Key: condition',
      legend_sizes: 'Size: significance',
      map_label: 'Map of monuments', more: 'More', locate: 'Where am I?',
      no_results: 'Nothing found', not_found: 'No such monument',
      address: 'Address', dating: 'Dating', district: 'District', protection_no: 'Protection no.',
      last_inspected: 'Last inspected', photos: 'Photos', timeline: 'Condition timeline',
      history: 'Changes to the record', download: 'Download GeoJSON', no_photos: 'No photos yet',
      no_reports: 'No reports yet', unknown: 'unknown', back: '← Back to the map',
      report_damage: 'Report damage', by: 'by', photo_by: 'Author', licence: 'Licence',
      title_map: 'Spadok — map of Kyiv’s heritage',
      damaged_since: 'Damaged since', damaged_since_hint: 'Only monuments damaged on or after this day',
      anonymous: 'anonymous',
    },
  };
  const stored = (() => { try { return localStorage.getItem('spadok.lang'); } catch (e) { return null; } })();
  let lang = stored === 'en' ? 'en' : 'uk';
  let vocab = {};

  const t = (key) => words[lang][key] ?? words.uk[key] ?? key;

  // A page's own words, added by its script before the page is drawn ({uk: {...}, en: {...}}).
  function addWords(more) {
    for (const l of Object.keys(words)) Object.assign(words[l], more[l] || {});
  }

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

  document.addEventListener('DOMContentLoaded', () => {
    apply();
    document.getElementById('lang')?.addEventListener('click', () => setLang(lang === 'uk' ? 'en' : 'uk'));
  });

  return {
    t, label, name, el, apply, loadVocab, addWords,
    get lang() { return lang; },
    get vocab() { return vocab; },
    onLang: (fn) => listeners.push(fn),
  };
})();
