// web/picker.js - choosing a monument by typing its name or address: the search box with
// suggestions of the map page (a combobox over GET /collections/monuments/items?q=...; arrows
// move, Enter picks, Escape closes) for the forms that need one monument, the citizen's report
// form and the moderation queue (a report that names a place gets its monument there).
// Loaded after i18n.js; adds SP.picker.
'use strict';
(() => {
  const { t, name, el } = SP;

  // The point a feature is drawn at: the point itself, or the middle of its outline's box.
  function anchor(f) {
    const g = f?.geometry;
    if (!g) return null;
    if (g.type === 'Point') return { lat: g.coordinates[1], lon: g.coordinates[0] };
    const ring = g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? g.coordinates[0][0] : null;
    if (!ring) return null;
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    return { lat: (Math.min(...ys) + Math.max(...ys)) / 2, lon: (Math.min(...xs) + Math.max(...xs)) / 2 };
  }

  async function find(text, limit = 8) {
    const q = new URLSearchParams({ q: text, limit: String(limit) });
    const res = await fetch(`/collections/monuments/items?${q}`, { headers: { Accept: 'application/geo+json' } });
    return res.ok ? (await res.json()).features : null;
  }

  async function byId(id) {
    const res = await fetch(`/collections/monuments/items/${encodeURIComponent(id)}`,
      { headers: { Accept: 'application/geo+json' } });
    return res.ok ? res.json() : null;
  }

  // Makes `input` (with role="combobox") and `list` (an empty <ul role="listbox">) a search
  // for monuments; onPick(feature) when one is chosen. Enter never submits the form around it.
  function combobox(input, list, onPick) {
    let found = [];
    let active = -1;
    let timer = null;
    const prefix = `${list.id}-opt`;
    const close = () => {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    };
    const pick = (f) => {
      close();
      input.value = name(f.properties);
      onPick(f);
    };
    const show = () => {
      list.replaceChildren(...(found.length ? found.map((f, i) => {
        const li = el('li', { role: 'option', id: `${prefix}-${i}`, 'aria-selected': i === active ? 'true' : 'false' },
          name(f.properties), f.properties.address ? el('small', { text: ` ${f.properties.address}` }) : null);
        li.addEventListener('mousedown', (ev) => ev.preventDefault()); // the input keeps focus
        li.addEventListener('click', () => pick(f));
        return li;
      }) : [el('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false', class: 'empty', text: t('no_results') })]));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      if (active >= 0) {
        input.setAttribute('aria-activedescendant', `${prefix}-${active}`);
        document.getElementById(`${prefix}-${active}`)?.scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) { found = []; return close(); }
      timer = setTimeout(async () => {
        const features = await find(text).catch(() => null);
        if (!features || input.value.trim() !== text) return;
        found = features;
        active = -1;
        show();
      }, 150);
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        if (!list.hidden && found.length) pick(found[Math.max(active, 0)]);
        return;
      }
      if (list.hidden) return;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        active = (active + (ev.key === 'ArrowDown' ? 1 : found.length - 1)) % Math.max(found.length, 1);
        show();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        close();
      }
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
    return { close };
  }

  SP.picker = { anchor, find, byId, combobox };
})();
