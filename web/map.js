// web/map.js - the public map: Spadok's monument tiles (coloured by condition, sized by
// significance) over a base map in Leaflet, a layer control (base map, monuments, damage,
// protection zones, districts from GET /districts), a popup for the monument under a click or tap, full-text
// search with suggestions, filters that redraw the tiles, the key from the layers' TileJSON
// (always shown on a desktop, one tap away on a phone), and the view and filters kept in the
// address (#map=z/lat/lon&condition=...) so a link shows the same map. The base map is the
// remote one of `serve --basemap` when set, else Spadok's own (/tiles/basemap/...): offline.
// The first view is TileJSON's: the monuments' extent when it fits, else where most are.
// Tile addresses carry the page's language (lang=), for their labels.
'use strict';
(() => {
  const { t, label, name, el } = SP;
  const FILTERS = ['condition', 'significance', 'kind', 'district', 'damaged_since'];
  const state = { view: null, filters: {} };
  let map, tilejson, damage, layers, control;

  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const view = (h.get('map') || '').split('/').map(Number);
    if (view.length === 3 && view.every(Number.isFinite)) state.view = view;
    for (const f of FILTERS) if (h.get(f)) state.filters[f] = h.get(f);
  }

  function writeHash() {
    const h = new URLSearchParams();
    const c = map.getCenter();
    h.set('map', `${map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
    for (const [k, v] of Object.entries(state.filters)) if (v) h.set(k, v);
    history.replaceState(null, '', `#${h.toString().replace(/%2F/g, '/')}`);
  }

  function fillSelect(id, domain) {
    const sel = document.getElementById(id);
    const keep = state.filters[sel.dataset.filter] || '';
    sel.querySelectorAll('option:not([value=""])').forEach((o) => o.remove());
    for (const v of SP.vocab[domain] || [])
      sel.append(el('option', { value: v.code, text: v[`label_${SP.lang}`] }));
    sel.value = keep;
  }

  // A key's rows: its symbol (a disc, or the damage layer's diamond) and its label.
  const swatches = (list, shape = '') => (list || []).map((item) => el('li', {},
    el('span', { class: `swatch ${shape}`, style: `background:${item.color}`, 'aria-hidden': 'true' }),
    SP.lang === 'en' ? item.label_en : item.label_uk));

  function drawLegend() {
    document.getElementById('legend').replaceChildren(...swatches(tilejson?.legend));
    document.getElementById('legend-damage').replaceChildren(...swatches(damage?.legend, 'diamond'));
    // Sizes by significance, "unknown" among them: a dot the size of none known is not local.
    document.getElementById('legend-sizes').replaceChildren(...(tilejson?.sizes || []).map((item) => {
      const d = 2 * item.radius, pad = Math.max(0, 14 - d) / 2; // centred in 14 px: labels align
      const style = `width:${d}px;height:${d}px;margin:0 ${pad}px;${item.ring ? 'background:#fff;border-width:2px' : 'background:#767676'}`;
      return el('li', {}, el('span', { class: 'swatch', style, 'aria-hidden': 'true' }),
        SP.lang === 'en' ? item.label_en : item.label_uk);
    }));
  }

  // The point a feature is drawn at (its point, or the middle of its outline's box).
  function anchor(f) {
    const a = SP.picker.anchor(f);
    return a ? L.latLng(a.lat, a.lon) : null;
  }

  async function popupFor(f, at) {
    const p = f.properties;
    const body = el('div', { class: 'popup', lang: SP.lang },
      el('h2', { text: name(p) }),
      el('p', {}, el('span', { class: 'k', text: `${t('significance')}: ` }), label('significance', p.significance)),
      el('p', {}, el('span', { class: 'k', text: `${t('condition')}: ` }), label('condition', p.condition)),
      p.address ? el('p', { text: p.address }) : null,
      el('a', { href: `/monuments/${f.id}`, text: t('more') }));
    const report = el('p', { class: 'popup-report', lang: SP.lang }, el('a', { href: `/report?monument=${f.id}`, text: t('report_damage') }));
    const popup = L.popup({ maxWidth: 280 }).setLatLng(at).setContent(el('div', {}, body, report)).openOn(map);
    try {
      const res = await fetch(`/collections/monuments/items/${f.id}/photos`);
      const first = res.ok ? (await res.json()).photos?.[0] : null;
      if (first && popup.isOpen()) {
        const alt = (SP.lang === 'en' ? first.alt_en : first.alt_uk) || first.alt_uk || name(p);
        body.insertBefore(el('img', { src: `/photos/${first.id}/thumb`, alt, width: 240, loading: 'lazy' }), body.children[1]);
        popup.update();
      }
    } catch (e) { /* the popup stands without its photo */ }
  }

  async function onClick(e) {
    if (!map.hasLayer(layers.monuments)) return; // the monuments are switched off
    const px = map.latLngToContainerPoint(e.latlng);
    const sw = map.containerPointToLatLng(px.add([-10, 10]));
    const ne = map.containerPointToLatLng(px.add([10, -10]));
    const q = new URLSearchParams({ bbox: `${sw.lng},${sw.lat},${ne.lng},${ne.lat}`, limit: '50' });
    for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
    const res = await fetch(`/collections/monuments/items?${q}`, { headers: { Accept: 'application/geo+json' } });
    if (!res.ok) return;
    let best = null;
    let bestD = Infinity;
    for (const f of (await res.json()).features) {
      const a = anchor(f);
      const d = a ? map.latLngToContainerPoint(a).distanceTo(px) : Infinity;
      if (d < bestD) { best = f; bestD = d; }
    }
    if (best) popupFor(best, anchor(best) || e.latlng);
  }

  // ---- search with suggestions (SP.picker's combobox); the pick is shown and opened --------
  function setupSearch() {
    SP.picker.combobox(document.getElementById('search'), document.getElementById('suggestions'), (f) => {
      const a = anchor(f);
      if (a) { map.setView(a, Math.max(map.getZoom(), 16)); popupFor(f, a); }
    });
    document.getElementById('search-form').addEventListener('submit', (ev) => ev.preventDefault());
  }

  function setupFilters() {
    const toggle = document.getElementById('filters-toggle');
    const panel = document.getElementById('filters');
    toggle.addEventListener('click', () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute('aria-expanded', String(!panel.hidden));
    });
    for (const sel of panel.querySelectorAll('[data-filter]')) {
      if (sel.tagName === 'INPUT') sel.value = state.filters[sel.dataset.filter] || '';
      sel.addEventListener('change', () => {
        if (sel.validity && !sel.validity.valid) return; /* a half-typed date */
        state.filters[sel.dataset.filter] = sel.value;
        layers.monuments.follow();
        writeHash();
      });
    }
  }

  function setupLocate() {
    const Locate = L.Control.extend({
      onAdd() {
        const b = el('button', { type: 'button', class: 'locate', title: t('locate'), 'aria-label': t('locate'), text: '◎' });
        L.DomEvent.disableClickPropagation(b);
        b.addEventListener('click', () => navigator.geolocation?.getCurrentPosition(
          (pos) => map.setView([pos.coords.latitude, pos.coords.longitude], 16), () => {}));
        SP.onLang(() => { b.title = t('locate'); b.setAttribute('aria-label', t('locate')); });
        return b;
      },
    });
    new Locate({ position: 'topleft' }).addTo(map);
  }

  // The key: always shown where there is room; on a phone, one tap on its button.
  function setupKey() {
    const toggle = document.getElementById('key-toggle');
    const key = document.getElementById('key');
    toggle.addEventListener('click', () => {
      const open = !key.classList.contains('open');
      key.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', String(open));
    });
  }

  // The districts' outlines and names (GET /districts), fetched when first switched on and
  // named again when the language changes.
  function districtsLayer() {
    const layer = L.geoJSON(null, {
      interactive: false,
      style: { color: '#1f3b57', weight: 1.5, opacity: 0.8, fill: false, dashArray: '5 4' },
      onEachFeature: (f, l) => l.bindTooltip(f.properties.name, { permanent: true, direction: 'center', className: 'district-label' }),
    });
    let shown = null; // the language of the names shown
    const load = async () => {
      if (shown === SP.lang) return;
      shown = SP.lang;
      const res = await fetch(`/districts?lang=${SP.lang}`).catch(() => null);
      if (!res?.ok) return;
      const data = await res.json();
      layer.clearLayers();
      layer.addData(data);
    };
    layer.on('add', load);
    SP.onLang(() => { if (map.hasLayer(layer)) load(); });
    return layer;
  }

  // The layer control, in the page's language (drawn again when it changes).
  function drawControl() {
    control?.remove();
    const names = { basemap: 'layer_basemap', monuments: 'layer_monuments', damage: 'layer_damage', zones: 'layer_zones', districts: 'layer_districts' };
    const overlays = {};
    for (const k of Object.keys(names).filter((n) => layers[n])) {
      const label = el('span', { 'data-layer': k, text: t(names[k]) });
      overlays[label.outerHTML] = layers[k];
    }
    control = L.control.layers(null, overlays, { collapsed: matchMedia('(max-width: 40rem)').matches, position: 'topright' }).addTo(map);
    const box = control.getContainer();
    box.setAttribute('aria-label', t('layers'));
    const toggle = box.querySelector('.leaflet-control-layers-toggle');
    toggle?.setAttribute('aria-label', t('layers'));
    toggle?.setAttribute('title', t('layers'));
  }

  // The first view (without one in the address): all the monuments when they fit at TileJSON's
  // zoom, else TileJSON's center, where most of them are.
  function firstView() {
    if (state.view) return map.setView([state.view[1], state.view[2]], state.view[0]);
    if (!tilejson) return map.setView([48.4, 31.2], 6);
    const [w, s, e, n] = tilejson.bounds;
    const b = L.latLngBounds([s, w], [n, e]);
    const [lon, lat, z] = tilejson.center;
    if (map.getBoundsZoom(b) >= z) return map.fitBounds(b, { maxZoom: 16 });
    return map.setView([lat, lon], z);
  }

  async function start() {
    readHash();
    map = L.map('map', { zoomControl: true, keyboard: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    const json = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    const [tj, dj, base] = await Promise.all([SP.tiles.monuments, json('/tiles/damage.json'),
      SP.tiles.base(), SP.loadVocab()]);
    tilejson = tj;
    damage = dj;
    layers = { basemap: base };
    // Drawn in this order, whichever is switched on last: zones, monuments, damage.
    ['zones', 'monuments', 'damage'].forEach((name, i) => {
      layers[name] = SP.tiles.layer(name, { minZoom: 3, zIndex: i + 2, className: `${name === 'monuments' ? 'monument' : name}-tiles` },
        () => (name === 'monuments' ? state.filters : {}));
    });
    layers.districts = districtsLayer();
    layers.basemap.addTo(map);
    layers.monuments.addTo(map);
    firstView();
    map.on('click', onClick);
    map.on('moveend', writeHash);
    writeHash();
    setupSearch();
    setupFilters();
    setupLocate();
    setupKey();
    // Whose data the map shows: composed by the server from the data sets held (credit.js).
    const credit = await SP.credit;
    if (credit?.attribution) {
      const text = document.createElement('span');
      text.textContent = credit.attribution;
      map.attributionControl.addAttribution(`${text.innerHTML} · <a href="/datasets">${t('credit_sources')}</a>`);
    }
    const redraw = () => {
      fillSelect('f-condition', 'condition');
      fillSelect('f-significance', 'significance');
      fillSelect('f-kind', 'kind');
      fillSelect('f-district', 'district');
      drawLegend();
      drawControl();
      document.title = t('title_map');
    };
    redraw();
    SP.onLang(redraw);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
