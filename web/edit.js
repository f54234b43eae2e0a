// web/edit.js - the department's page of one monument (/department/monuments/{id}, and
// /department/monuments/new to add one). What it shows depends on the signed-in role, as
// the API decides what each role may do: editors change the record (PATCH with If-Match, so
// nobody overwrites a colleague's change unseen; only the fields that changed are sent) and
// its geometry on a map (a draggable point with typed coordinates for keyboard users, or an
// outline edited and drawn with Leaflet-Geoman); inspectors add photos with their captions
// and file condition reports, and see the monument's condition change. Every answer of the
// API that is not a success is shown next to the form it belongs to.
'use strict';
(() => {
  const { t, el } = SP;

  // ---- who, which monument ----------------------------------------------------------------
  const session = SP.staff.require();
  if (!session) return;
  document.querySelector('header.bar').after(SP.staff.nav(null));

  const seg = location.pathname.split('/');
  const isNew = seg[3] === 'new';
  const id = isNew ? null : Number(seg[3]);
  const role = session.role;
  const isEditor = role === 'editor';
  const isInspector = role === 'inspector';
  const root = document.getElementById('editor');
  const fmt = (key, vars = {}) => t(key).replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  const tx = (tag, key, attrs = {}) => el(tag, { ...attrs, 'data-i18n': key, text: t(key) });
  const get = (path) => SP.staff.api(path, { cache: 'no-cache' });

  let feature = null; // the record as last read or saved
  let etag = null;    // its ETag, sent back as If-Match

  // ---- messages: an alert (role="alert") or a status (role="status") box, redrawn in the
  // chosen language; the server's own words (English) come beside ours, marked lang="en". ----
  function messenger(box, kind) {
    let shown = null;
    const draw = () => {
      if (!shown) { box.replaceChildren(); box.className = kind === 'alert' ? 'form-alert' : 'form-status'; return; }
      box.className = `${kind === 'alert' ? 'form-alert' : 'form-status'} status ${shown.ok ? 'ok' : 'error'}`;
      box.replaceChildren(...[el('p', { text: fmt(shown.key, shown.vars) }),
        shown.detail ? el('p', { class: 'detail' }, `${t('ed_server_said')} `, el('span', { lang: 'en', text: shown.detail })) : null,
        shown.action].filter(Boolean));
    };
    SP.onLang(draw);
    return {
      show(key, opts = {}) { shown = { key, ...opts }; draw(); },
      clear() { shown = null; draw(); },
    };
  }

  // An API answer that is not a success, as a message: 412, 400, 403, or anything else.
  async function failure(res, msg, onField) {
    const detail = await SP.staff.errorText(res);
    if (res.status === 400 || res.status === 422) {
      const m = /^(?:field|property) '([a-z_]+)'/.exec(detail) || /^([a-z_]+):/.exec(detail);
      if (m && onField) onField(m[1], detail);
      msg.show(m && onField ? 'ed_invalid' : 'ed_refused', { detail });
    } else if (res.status === 403) {
      msg.show('ed_forbidden', { detail });
    } else {
      msg.show('ed_failed', { detail });
    }
  }

  // ---- form controls --------------------------------------------------------------------
  function vocabOptions(sel) {
    const keep = sel.value;
    const skip = (sel.dataset.skip || '').split(',');
    sel.replaceChildren(el('option', { value: '', text: t('ed_none') }),
      ...(SP.vocab[sel.dataset.vocab] || []).filter((v) => !skip.includes(v.code))
        .map((v) => el('option', { value: v.code, text: v[`label_${SP.lang}`] })));
    sel.value = keep;
  }

  function vocabSelect(idAttr, domain, skip = []) {
    const sel = el('select', { id: idAttr, name: idAttr, 'data-vocab': domain, 'data-skip': skip.join(',') });
    vocabOptions(sel);
    return sel;
  }

  // A set of codes as checkboxes in a fieldset (a legend names it; each box its own label).
  function vocabChecks(prefix, domain, legendKey, skip = []) {
    const box = el('div', { class: 'checks' });
    for (const v of SP.vocab[domain] || []) {
      if (skip.includes(v.code)) continue;
      const cid = `${prefix}-${v.code}`;
      box.append(el('label', { for: cid },
        el('input', { type: 'checkbox', id: cid, name: prefix, value: v.code }),
        el('span', { 'data-vocab-label': domain, 'data-code': v.code, text: v[`label_${SP.lang}`] })));
    }
    return el('fieldset', { id: `${prefix}-set` }, tx('legend', legendKey), box);
  }

  function relabelVocab() {
    document.querySelectorAll('select[data-vocab]').forEach(vocabOptions);
    document.querySelectorAll('[data-vocab-label]').forEach((s) => {
      const v = (SP.vocab[s.dataset.vocabLabel] || []).find((x) => x.code === s.dataset.code);
      if (v) s.textContent = v[`label_${SP.lang}`];
    });
  }

  // A labelled field: label, control, optional hint, and the place for its error; the
  // control is described by both.
  function field(idAttr, key, control, hintKey) {
    const ids = [];
    const hint = hintKey ? tx('p', hintKey, { class: 'hint', id: `${idAttr}-hint` }) : null;
    if (hint) ids.push(hint.id);
    const err = el('p', { class: 'field-error', id: `${idAttr}-err` });
    ids.push(err.id);
    control.setAttribute('aria-describedby', ids.join(' '));
    return [tx('label', key, { for: idAttr }), control, hint, err];
  }

  function setFieldError(form, idAttr, text) {
    const c = form.querySelector(`#${idAttr}`) || form.querySelector(`#${idAttr}-set`);
    const err = form.querySelector(`#${idAttr}-err`);
    if (c) c.setAttribute('aria-invalid', 'true');
    if (err) err.textContent = text;
    c?.focus?.();
  }

  function clearFieldErrors(form) {
    form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
    form.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; });
  }

  // A field's error goes as soon as the field is changed.
  function clearOnInput(form) {
    const clear = (ev) => {
      const c = ev.target.closest('[aria-invalid="true"]') || ev.target.closest('fieldset[aria-invalid="true"]');
      if (!c) return;
      c.removeAttribute('aria-invalid');
      const err = form.querySelector(`#${c.id.replace(/-set$/, '')}-err`);
      if (err) err.textContent = '';
    };
    form.addEventListener('input', clear);
    form.addEventListener('change', clear);
  }

  // ---- the record's fields ----------------------------------------------------------------
  // type: text, textarea, date, int, vocab (a select), set (checkboxes), bool
  const GROUPS = [
    ['g_names', [['name_uk', 'text', { required: true, lang: 'uk' }], ['name_en', 'text', { lang: 'en' }]]],
    ['g_what', [['object_kind', 'vocab', { domain: 'object_kind' }], ['kinds', 'set', { domain: 'kind' }],
      ['dating', 'text'], ['year_from', 'int', { hint: 'f_years_hint' }], ['year_to', 'int'],
      ['description', 'textarea']]],
    ['g_protection', [['significance', 'vocab', { domain: 'significance' }], ['protection_no', 'text'],
      ['register_act', 'text'], ['register_date', 'date'], ['protected_subject', 'textarea'],
      ['agreement_no', 'text'], ['agreement_date', 'date'], ['passport_ref', 'text']]],
    ['g_place', [['address', 'text'], ['district', 'text', { hint: 'f_district_hint' }], ['cadastral_no', 'text'],
      ['location_sensitive', 'bool']]],
    ['g_more', [['wikidata', 'text'], ['wlm_id', 'text'], ['source', 'textarea']]],
  ];
  const FIELDS = GROUPS.flatMap(([, fs]) => fs);

  function recordControls() {
    return GROUPS.map(([gkey, fs]) => el('fieldset', {}, tx('legend', gkey), ...fs.flatMap(([name, type, o = {}]) => {
      const fid = `f-${name}`;
      if (type === 'set') return [vocabChecks(fid, o.domain, `f_${name}`), el('p', { class: 'field-error', id: `${fid}-err` })];
      if (type === 'bool') {
        return [el('label', { class: 'check', for: fid }, el('input', { type: 'checkbox', id: fid, name }),
          tx('span', `f_${name}`)), el('p', { class: 'field-error', id: `${fid}-err` })];
      }
      let c;
      if (type === 'vocab') c = vocabSelect(fid, o.domain);
      else if (type === 'textarea') c = el('textarea', { id: fid, name, rows: 3 });
      else if (type === 'int') c = el('input', { id: fid, name, type: 'number', step: 1, inputmode: 'numeric' });
      else c = el('input', { id: fid, name, type: type === 'date' ? 'date' : 'text', lang: o.lang, spellcheck: o.lang ? 'true' : null });
      if (o.required) { c.required = true; c.setAttribute('aria-required', 'true'); }
      return field(fid, `f_${name}`, c, o.hint);
    })));
  }

  // A property's value as the form holds it, and back as the API takes it.
  function formValue(form, name, type) {
    if (type === 'set') return [...form.querySelectorAll(`input[name="f-${name}"]:checked`)].map((c) => c.value).sort().join(';');
    const c = form.querySelector(`#f-${name}`);
    if (type === 'bool') return c.checked ? '1' : '0';
    return c.value.trim();
  }

  function storedValue(p, name, type) {
    const v = p[name];
    if (type === 'set') return (v || '').split(';').filter(Boolean).sort().join(';');
    if (type === 'bool') return v ? '1' : '0';
    return v == null ? '' : String(v);
  }

  function apiValue(v, type) {
    if (type === 'bool') return v === '1';
    if (v === '') return null;
    if (type === 'set') return v.split(';');
    if (type === 'int') return Number(v);
    return v;
  }

  function fillRecord(form, p) {
    for (const [name, type] of FIELDS) {
      if (type === 'set') {
        const on = new Set((p[name] || '').split(';'));
        form.querySelectorAll(`input[name="f-${name}"]`).forEach((c) => { c.checked = on.has(c.value); });
      } else if (type === 'bool') form.querySelector(`#f-${name}`).checked = !!p[name];
      else form.querySelector(`#f-${name}`).value = p[name] == null ? '' : String(p[name]);
    }
  }

  // ---- the geometry on a map ----------------------------------------------------------------
  // One layer at a time in `shape`: a draggable marker (Point) or a Geoman-editable polygon.
  const geo = { map: null, shape: null, baseline: 'null', drawing: false };

  function geometryNow() {
    const s = geo.shape;
    if (!s) return null;
    if (s instanceof L.Marker) {
      const ll = s.getLatLng();
      return { type: 'Point', coordinates: [Number(ll.lng.toFixed(7)), Number(ll.lat.toFixed(7))] };
    }
    return s.toGeoJSON(7).geometry;
  }
  const geometryChanged = () => JSON.stringify(geometryNow()) !== geo.baseline;

  function geometryUI() {
    const g = geometryNow();
    const kind = document.getElementById('geom-kind');
    const key = !g ? 'ed_geom_none' : g.type === 'Point' ? 'ed_geom_point' : 'ed_geom_polygon';
    kind.dataset.i18n = geo.drawing ? 'ed_drawing' : key;
    if (kind.textContent !== t(kind.dataset.i18n)) kind.textContent = t(kind.dataset.i18n); // said once, not per drag
    const isPoint = !g || g.type === 'Point';
    document.getElementById('coords').hidden = !isPoint || geo.drawing;
    document.getElementById('to-point').hidden = isPoint || geo.drawing;
    document.getElementById('draw-polygon').hidden = geo.drawing;
    document.getElementById('cancel-draw').hidden = !geo.drawing;
    document.getElementById('geom-reset').hidden = !geometryChanged() || geo.drawing;
    const changed = document.getElementById('geom-changed');
    changed.hidden = !geometryChanged() || isNew;
    if (g?.type === 'Point') {
      document.getElementById('f-lon').value = g.coordinates[0];
      document.getElementById('f-lat').value = g.coordinates[1];
    }
  }

  function setShape(layer) {
    if (geo.shape) { geo.shape.pm?.disable(); geo.map.removeLayer(geo.shape); }
    geo.shape = layer;
    if (layer) {
      layer.addTo(geo.map);
      if (layer instanceof L.Marker) {
        layer.on('drag dragend', geometryUI);
      } else {
        layer.pm.enable({ allowSelfIntersection: false, snappable: false });
        layer.on('pm:edit pm:markerdragend pm:vertexadded pm:vertexremoved', geometryUI);
      }
    }
    geometryUI();
  }

  function pointAt(ll) {
    // Geoman leaves the point to Leaflet's own dragging (pmIgnore)
    return L.marker(ll, { draggable: true, keyboard: true, title: t('ed_marker'), alt: t('ed_marker'), autoPan: true, pmIgnore: true });
  }

  function shapeOf(g) {
    if (!g) return null;
    if (g.type === 'Point') return pointAt([g.coordinates[1], g.coordinates[0]]);
    const layers = L.geoJSON(g).getLayers();
    return layers[0] || null;
  }

  // The saved geometry, as the baseline of what has changed; the view moves to it when asked
  // (on load and reload, not after a save: the editor keeps the view they worked in).
  function showGeometry(g, reframe = true) {
    setShape(shapeOf(g));
    geo.baseline = JSON.stringify(geometryNow());
    geometryUI();
    if (reframe) frame();
  }

  function frame() {
    const s = geo.shape;
    if (!s) return geo.map.setView(SP.tiles.homeView.slice(0, 2), SP.tiles.homeView[2]);
    if (s instanceof L.Marker) return geo.map.setView(s.getLatLng(), 17);
    return geo.map.fitBounds(s.getBounds(), { maxZoom: 18, padding: [20, 20] });
  }

  function geometrySection() {
    const lon = el('input', { id: 'f-lon', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal' });
    const lat = el('input', { id: 'f-lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal' });
    const typed = () => {
      const x = Number(lon.value);
      const y = Number(lat.value);
      if (lon.value === '' || lat.value === '' || !Number.isFinite(x) || !Number.isFinite(y)) return;
      if (Math.abs(x) > 180 || Math.abs(y) > 90) return;
      if (geo.shape instanceof L.Marker) geo.shape.setLatLng([y, x]);
      else setShape(pointAt([y, x]));
      geo.map.panTo([y, x]);
      geometryUI();
    };
    lon.addEventListener('change', typed);
    lat.addEventListener('change', typed);
    const button = (idAttr, key, cls = 'btn secondary') => tx('button', key, { type: 'button', id: idAttr, class: cls });
    const draw = button('draw-polygon', 'ed_draw_polygon');
    const cancel = button('cancel-draw', 'ed_cancel_draw');
    const toPoint = button('to-point', 'ed_to_point');
    const reset = button('geom-reset', 'ed_geom_reset');
    const mapDiv = el('div', { id: 'edit-map', role: 'region', 'aria-label': t('ed_map'), 'data-i18n-aria': 'ed_map' });
    const sensitive = feature?.properties.location_sensitive ? tx('p', 'ed_geom_sensitive', { class: 'hint' }) : null;
    const fs = el('fieldset', { id: 'geometry' }, tx('legend', 'ed_geometry'),
      el('p', { id: 'geom-kind', class: 'geom-kind', 'aria-live': 'polite' }), sensitive, mapDiv,
      el('div', { class: 'geom-tools' }, draw, cancel, toPoint, reset),
      el('div', { id: 'coords', class: 'row2' },
        el('div', {}, ...field('f-lon', 'ed_lon', lon)), el('div', {}, ...field('f-lat', 'ed_lat', lat))),
      tx('p', 'ed_geom_changed', { id: 'geom-changed', class: 'hint', hidden: true }),
      el('p', { class: 'field-error', id: 'geometry-err' }));
    lon.setAttribute('aria-describedby', 'f-lon-err geometry-err');
    draw.addEventListener('click', () => {
      geo.drawing = true;
      geo.map.pm.enableDraw('Polygon', { snappable: false, allowSelfIntersection: false });
      geometryUI();
    });
    cancel.addEventListener('click', () => geo.map.pm.disableDraw());
    toPoint.addEventListener('click', () => {
      const c = geo.shape ? geo.shape.getBounds().getCenter() : geo.map.getCenter();
      setShape(pointAt(c));
      toPoint.isConnected && lon.focus();
    });
    reset.addEventListener('click', () => showGeometry(JSON.parse(geo.baseline), false));
    return { fs, mapDiv };
  }

  function startMap(mapDiv) {
    L.Icon.Default.imagePath = '/static/leaflet/images/';
    geo.map = L.map(mapDiv, { attributionControl: false, zoomControl: false });
    let zoom = null;
    const zoomControl = () => {
      zoom?.remove();
      zoom = L.control.zoom({ zoomInTitle: t('ed_zoom_in'), zoomOutTitle: t('ed_zoom_out') }).addTo(geo.map);
    };
    zoomControl();
    SP.onLang(zoomControl);
    // Geoman's vertex handles are Leaflet markers, which Leaflet makes focusable buttons with no
    // name; they cannot be moved by keyboard anyway (the typed coordinates are the keyboard's
    // way), so they are taken out of the tab order and hidden from assistive technology.
    geo.map.on('layeradd', (e) => {
      if (!(e.layer instanceof L.Marker) || e.layer === geo.shape) return;
      const icon = e.layer.getElement();
      if (!icon || icon.tagName === 'IMG') return;
      icon.removeAttribute('role');
      icon.removeAttribute('tabindex');
      icon.setAttribute('aria-hidden', 'true');
    });
    SP.tiles.layer('monuments', { className: 'monument-tiles' }).addTo(geo.map);
    SP.tiles.base().then((b) => b.addTo(geo.map));
    geo.map.pm.setLang(SP.lang === 'en' ? 'en' : 'ua');
    SP.onLang((l) => geo.map.pm.setLang(l === 'en' ? 'en' : 'ua'));
    geo.map.on('pm:create', (e) => {
      geo.map.pm.disableDraw();
      geo.drawing = false;
      setShape(e.layer);
    });
    geo.map.on('pm:drawend', () => { geo.drawing = false; geometryUI(); });
    geo.map.on('click', (e) => { // a new monument: its first click places the point
      if (!geo.shape && !geo.drawing) setShape(pointAt(e.latlng));
    });
  }

  // ---- the record form (editors) ------------------------------------------------------------
  function recordSection() {
    const alert = el('div', { id: 'rec-alert', class: 'form-alert', role: 'alert' });
    const status = el('div', { id: 'rec-status', class: 'form-status', role: 'status' });
    const msg = messenger(alert, 'alert');
    const ok = messenger(status, 'status');
    const { fs: geomFs, mapDiv } = geometrySection();
    const save = tx('button', isNew ? 'ed_create' : 'ed_save', { type: 'submit', class: 'btn', id: 'save' });
    const form = el('form', { id: 'record-form', class: 'form', novalidate: true, 'aria-labelledby': 'rec-title' },
      el('div', { class: 'rec-fields' }, ...recordControls()),
      el('div', { class: 'rec-side' }, geomFs, el('div', { class: 'form-actions' }, save), alert, status));
    clearOnInput(form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.clear();
      ok.clear();
      clearFieldErrors(form);
      if (!formValue(form, 'name_uk', 'text')) {
        setFieldError(form, 'f-name_uk', t('err_required'));
        return msg.show('err_required');
      }
      const g = geometryNow();
      if (!g) {
        form.querySelector('#geometry-err').textContent = t('err_geometry');
        lonInvalid(form);
        return msg.show('err_geometry');
      }
      const props = {};
      for (const [name, type] of FIELDS) {
        const now = formValue(form, name, type);
        if (isNew ? now !== '' && !(type === 'bool' && now === '0') : now !== storedValue(feature.properties, name, type))
          props[name] = apiValue(now, type);
      }
      const body = { type: 'Feature', properties: props };
      if (isNew || geometryChanged()) body.geometry = g;
      if (!isNew && !Object.keys(props).length && !body.geometry) return ok.show('ed_nothing', { ok: true });
      save.disabled = true;
      let res;
      try {
        res = isNew
          ? await SP.staff.api('/collections/monuments/items', { method: 'POST', body, headers: { 'Content-Type': 'application/geo+json' } })
          : await SP.staff.api(`/collections/monuments/items/${id}`, {
            method: 'PATCH', body, headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': etag } });
      } catch (e) {
        save.disabled = false;
        return msg.show('ed_network');
      }
      save.disabled = false;
      if (res.status === 201) {
        const where = res.headers.get('Location');
        const created = await res.json().catch(() => null); // read whole before leaving the page
        const newId = where ? new URL(where, location.href).pathname.split('/').pop() : created?.id;
        location.assign(`/department/monuments/${newId}`);
        return;
      }
      if (res.ok) {
        feature = await res.json();
        etag = res.headers.get('ETag') || etag;
        if (!res.headers.get('ETag')) await loadRecord();
        redrawRecord(form, false);
        return ok.show('ed_saved', { ok: true, vars: { v: feature.properties.version } });
      }
      if (res.status === 412) {
        const reload = tx('button', 'ed_reload', { type: 'button', class: 'btn secondary', id: 'reload' });
        reload.addEventListener('click', async () => {
          await loadRecord();
          redrawRecord(form, true);
          msg.clear();
          ok.show('ed_reloaded', { ok: true, vars: { v: feature.properties.version } });
        });
        msg.show('ed_conflict', { detail: await SP.staff.errorText(res), action: reload });
        return;
      }
      await failure(res, msg, (name, detail) => {
        if (name === 'geometry') {
          form.querySelector('#geometry-err').textContent = detail;
          lonInvalid(form);
        } else setFieldError(form, `f-${name}`, detail);
      });
    });
    return { form, mapDiv };
  }

  function lonInvalid(form) {
    const lon = form.querySelector('#f-lon');
    lon.setAttribute('aria-invalid', 'true');
    lon.focus();
  }

  function redrawRecord(form, reframe) {
    fillRecord(form, feature.properties);
    showGeometry(feature.geometry, reframe);
    drawHead();
  }

  // ---- photos (inspectors add; everyone sees) ----------------------------------------------------
  let photos = [];
  const objectUrls = [];

  async function loadPhotos() {
    const res = await get(`/collections/monuments/items/${id}/photos`);
    photos = res.ok ? (await res.json()).photos || [] : [];
    drawPhotos();
  }

  function drawPhotos() {
    const list = document.getElementById('photo-list');
    if (!list) return;
    objectUrls.splice(0).forEach((u) => URL.revokeObjectURL(u));
    if (!photos.length) { list.replaceChildren(el('li', { text: t('no_photos') })); return; }
    const uk = SP.lang !== 'en';
    list.replaceChildren(...photos.map((ph) => {
      const caption = (uk ? ph.caption_uk : ph.caption_en) || ph.caption_uk || ph.caption_en || '';
      const alt = (uk ? ph.alt_uk : ph.alt_en) || ph.alt_uk || ph.alt_en || caption || SP.name(feature.properties);
      const img = el('img', { alt, width: 320, loading: 'lazy' });
      if (ph.status === 'public') img.src = `/photos/${ph.id}/thumb`;
      else { // not public: its thumbnail needs the token, so it comes through fetch
        SP.staff.api(`/photos/${ph.id}/thumb`).then((r) => (r.ok ? r.blob() : null)).then((b) => {
          if (!b) return;
          const u = URL.createObjectURL(b);
          objectUrls.push(u);
          img.src = u;
        }).catch(() => {});
      }
      const credit = [ph.author && `${t('photo_by')}: ${ph.author}`, ph.licence,
        ph.status !== 'public' ? SP.label('photo_status', ph.status) : null].filter(Boolean).join(' · ');
      return el('li', { 'data-photo': ph.id }, el('figure', {}, el('a', { href: `/photos/${ph.id}/web` }, img),
        el('figcaption', {}, caption, caption && credit ? el('br') : null, credit)), placeToggle(ph));
    }));
  }

  // Where and when a photo was taken (its EXIF) is for staff until they make it public here
  // (PATCH /photos/{id} location_public): it may say where its author stood.
  function placeToggle(ph) {
    if (ph.taken_lat == null && ph.taken_at == null) return null;
    const id = `ph-place-${ph.id}`;
    const where = ph.taken_lat != null ? `${ph.taken_lat.toFixed(5)}, ${ph.taken_lon.toFixed(5)}` : '';
    const box = el('input', { id, type: 'checkbox', 'data-place-public': ph.id, checked: ph.location_public });
    const note = el('span', { class: 'field-error', role: 'status' });
    box.addEventListener('change', async () => {
      note.textContent = '';
      const res = await SP.staff.api(`/photos/${ph.id}`, { method: 'PATCH', body: { location_public: box.checked },
        headers: { 'Content-Type': 'application/merge-patch+json' } }).catch(() => null);
      if (res?.ok) { ph.location_public = box.checked; return; }
      box.checked = !box.checked;
      note.textContent = `${t('ph_place_failed')} ${res ? await SP.staff.errorText(res) : ''}`;
    });
    return el('p', { class: 'place-public' }, `${t('ph_taken')}: ${[ph.taken_at, where].filter(Boolean).join(' · ')}`, el('br'),
      box, ' ', el('label', { for: id, text: t('ph_place_public') }), ' ', note);
  }

  function photoSection() {
    const alert = el('div', { id: 'ph-alert', class: 'form-alert', role: 'alert' });
    const status = el('div', { id: 'ph-status', class: 'form-status', role: 'status' });
    const msg = messenger(alert, 'alert');
    const ok = messenger(status, 'status');
    const file = el('input', { id: 'ph-file', name: 'file', type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/webp,image/heic,image/heif' });
    const text = (name, lang) => el('input', { id: `ph-${name}`, name, type: 'text', lang });
    const visibility = vocabSelect('ph-status-sel', 'photo_status');
    visibility.value = 'public';
    const upload = tx('button', 'ph_upload', { type: 'submit', class: 'btn', id: 'ph-upload' });
    const form = el('form', { id: 'photo-form', class: 'form', novalidate: true, 'aria-labelledby': 'ph-add-title' },
      ...field('ph-file', 'ph_file', file, 'ph_file_hint'),
      ...field('ph-caption_uk', 'ph_caption_uk', text('caption_uk', 'uk')),
      ...field('ph-caption_en', 'ph_caption_en', text('caption_en', 'en')),
      ...field('ph-alt_uk', 'ph_alt_uk', text('alt_uk', 'uk')),
      ...field('ph-alt_en', 'ph_alt_en', text('alt_en', 'en')),
      ...field('ph-author', 'ph_author', text('author')),
      ...field('ph-licence', 'ph_licence', el('input', { id: 'ph-licence', name: 'licence', type: 'text', list: 'licences' })),
      el('datalist', { id: 'licences' }, ...['CC BY 4.0', 'CC BY-SA 4.0', 'CC0 1.0'].map((v) => el('option', { value: v }))),
      ...field('ph-view', 'ph_view', vocabSelect('ph-view', 'photo_view')),
      ...field('ph-phase', 'ph_phase', vocabSelect('ph-phase', 'photo_phase')),
      ...field('ph-status-sel', 'ph_status', visibility),
      el('div', { class: 'form-actions' }, upload), alert, status);
    clearOnInput(form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.clear();
      ok.clear();
      clearFieldErrors(form);
      const files = [...file.files];
      if (!files.length) { setFieldError(form, 'ph-file', t('ph_none_chosen')); return msg.show('ph_none_chosen'); }
      upload.disabled = true;
      let done = 0;
      for (const [i, f] of files.entries()) {
        ok.show('ph_uploading', { ok: true, vars: { i: i + 1, n: files.length } });
        const fd = new FormData();
        for (const name of ['caption_uk', 'caption_en', 'alt_uk', 'alt_en', 'author', 'licence']) {
          const v = form.querySelector(`#ph-${name}`).value.trim();
          if (v) fd.append(name, v);
        }
        for (const [name, sel] of [['view', 'ph-view'], ['phase', 'ph-phase'], ['status', 'ph-status-sel']]) {
          const v = form.querySelector(`#${sel}`).value;
          if (v) fd.append(name, v);
        }
        fd.append('file', f, f.name);
        let res;
        try {
          res = await SP.staff.api(`/collections/monuments/items/${id}/photos`, { method: 'POST', body: fd });
        } catch (e) {
          msg.show('ed_network');
          break;
        }
        if (!res.ok) {
          ok.clear();
          const detail = await SP.staff.errorText(res);
          msg.show(res.status === 403 ? 'ed_forbidden' : 'ph_failed', { detail, vars: { name: f.name } });
          break;
        }
        done++;
      }
      upload.disabled = false;
      if (done) {
        if (done === files.length) { form.reset(); visibility.value = 'public'; }
        await loadPhotos();
        ok.show('ph_done', { ok: true, vars: { n: done } });
      }
    });
    return form;
  }

  // ---- condition reports (inspectors file; everyone sees) -----------------------------------------
  let reports = [];
  let newReport = null;

  async function loadReports() {
    const q = new URLSearchParams({ monument_id: String(id), sortby: '-observed_on,-created_at', limit: '100' });
    const res = await get(`/collections/condition_reports/items?${q}`);
    reports = res.ok ? (await res.json()).features || [] : [];
    drawReports();
  }

  function drawReports() {
    const list = document.getElementById('report-list');
    if (!list) return;
    if (!reports.length) { list.replaceChildren(el('li', { text: t('no_reports') })); return; }
    const { label } = SP;
    const codes = (domain, v) => (v || '').split(';').filter(Boolean).map((c) => label(domain, c)).join(', ');
    list.replaceChildren(...reports.map((f) => {
      const p = f.properties;
      const when = p.observed_on || p.event_date || (p.created_at || '').slice(0, 10);
      const bits = [];
      if (p.condition) bits.push([t('condition'), label('condition', p.condition)]);
      if (p.damage_level) bits.push([t('rp_damage'), [label('damage_level', p.damage_level), p.damage_extent && label('damage_extent', p.damage_extent)].filter(Boolean).join(', ')]);
      if (p.causes) bits.push([t('rp_causes'), codes('cause', p.causes)]);
      if (p.elements) bits.push([t('rp_elements'), codes('element', p.elements)]);
      return el('li', { 'data-report': f.id, class: f.id === newReport ? 'new' : null },
        el('p', {}, el('strong', {}, el('time', { datetime: when, text: when }), ` — ${label('report_type', p.report_type)}`),
          el('span', { class: 'k', text: ` (${t('rp_no')}${f.id})` })),
        bits.length ? el('p', {}, ...bits.flatMap(([k, v], i) => [i ? '; ' : '', el('span', { class: 'k', text: `${k}: ` }), v])) : null,
        p.description ? el('p', { text: p.description }) : null,
        p.recommended_actions ? el('p', { text: p.recommended_actions }) : null);
    }));
  }

  function reportSection() {
    const alert = el('div', { id: 'rp-alert', class: 'form-alert', role: 'alert' });
    const status = el('div', { id: 'rp-status', class: 'form-status', role: 'status' });
    const msg = messenger(alert, 'alert');
    const ok = messenger(status, 'status');
    const date = (name) => el('input', { id: `r-${name}`, name, type: 'date' });
    const type = vocabSelect('r-report_type', 'report_type', ['citizen']);
    type.required = true;
    type.setAttribute('aria-required', 'true');
    const submit = tx('button', 'rp_submit', { type: 'submit', class: 'btn', id: 'rp-submit' });
    const observed = date('observed_on');
    observed.value = new Date().toISOString().slice(0, 10);
    const form = el('form', { id: 'report-form', class: 'form', novalidate: true, 'aria-labelledby': 'rp-add-title' },
      ...field('r-report_type', 'f_report_type', type),
      el('div', { class: 'row2' }, el('div', {}, ...field('r-observed_on', 'f_observed_on', observed)),
        el('div', {}, ...field('r-event_date', 'f_event_date', date('event_date')))),
      ...field('r-condition', 'f_condition', vocabSelect('r-condition', 'condition')),
      el('div', { class: 'row2' }, el('div', {}, ...field('r-damage_level', 'f_damage_level', vocabSelect('r-damage_level', 'damage_level'))),
        el('div', {}, ...field('r-damage_extent', 'f_damage_extent', vocabSelect('r-damage_extent', 'damage_extent')))),
      vocabChecks('r-causes', 'cause', 'f_causes'), el('p', { class: 'field-error', id: 'r-causes-err' }),
      vocabChecks('r-elements', 'element', 'f_elements'), el('p', { class: 'field-error', id: 'r-elements-err' }),
      el('label', { class: 'check', for: 'r-repeat_hit' }, el('input', { type: 'checkbox', id: 'r-repeat_hit', name: 'repeat_hit' }), tx('span', 'f_repeat_hit')),
      el('div', { class: 'row2' }, el('div', {}, ...field('r-priority', 'f_priority', vocabSelect('r-priority', 'priority'))),
        el('div', {}, ...field('r-trend', 'f_trend', vocabSelect('r-trend', 'trend')))),
      ...field('r-source', 'f_rsource', vocabSelect('r-source', 'report_source', ['citizen'])),
      ...field('r-next_due', 'f_next_due', date('next_due')),
      ...field('r-description', 'f_rdescription', el('textarea', { id: 'r-description', name: 'description', rows: 4 })),
      ...field('r-recommended_actions', 'f_recommended_actions', el('textarea', { id: 'r-recommended_actions', name: 'recommended_actions', rows: 3 })),
      ...field('r-supersedes_id', 'f_supersedes_id', el('input', { id: 'r-supersedes_id', name: 'supersedes_id', type: 'number', min: 1, step: 1, inputmode: 'numeric' }), 'f_supersedes_hint'),
      el('div', { class: 'form-actions' }, submit), alert, status);
    clearOnInput(form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.clear();
      ok.clear();
      clearFieldErrors(form);
      if (!type.value) { setFieldError(form, 'r-report_type', t('err_required')); return msg.show('err_required'); }
      const body = {};
      for (const name of ['report_type', 'observed_on', 'event_date', 'condition', 'damage_level', 'damage_extent',
        'priority', 'trend', 'source', 'next_due', 'description', 'recommended_actions']) {
        const v = form.querySelector(`#r-${name}`).value.trim();
        if (v) body[name] = v;
      }
      for (const name of ['causes', 'elements']) {
        const on = [...form.querySelectorAll(`input[name="r-${name}"]:checked`)].map((c) => c.value);
        if (on.length) body[name] = on;
      }
      if (form.querySelector('#r-repeat_hit').checked) body.repeat_hit = true;
      const sup = form.querySelector('#r-supersedes_id').value;
      if (sup) body.supersedes_id = Number(sup);
      submit.disabled = true;
      let res;
      try {
        res = await SP.staff.api(`/collections/monuments/items/${id}/reports`, { method: 'POST', body });
      } catch (e) {
        submit.disabled = false;
        return msg.show('ed_network');
      }
      submit.disabled = false;
      if (!res.ok) {
        return failure(res, msg, (name, detail) => setFieldError(form, `r-${name}`, detail));
      }
      const created = await res.json();
      newReport = created.id;
      form.reset();
      observed.value = new Date().toISOString().slice(0, 10);
      await Promise.all([loadReports(), loadRecord()]);
      drawHead();
      const c = SP.label('condition', feature.properties.condition);
      ok.show('rp_done', { ok: true, vars: { id: created.id, c } });
    });
    return form;
  }

  // ---- the page ----------------------------------------------------------------------------------
  async function loadRecord() {
    const res = await get(`/collections/monuments/items/${id}`);
    if (!res.ok) return res;
    etag = res.headers.get('ETag');
    feature = await res.json();
    return res;
  }

  function drawHead() {
    const title = document.getElementById('title');
    if (isNew) {
      title.dataset.i18n = 'ed_new_title';
      title.textContent = t('ed_new_title');
      document.title = `${t('ed_new_title')} — ${t('brand')}`;
      return;
    }
    const p = feature.properties;
    delete title.dataset.i18n;
    title.textContent = SP.name(p);
    document.title = `${SP.name(p)} — ${t('brand')}`;
    const facts = document.getElementById('summary');
    const item = (k, v) => el('li', {}, el('span', { class: 'k', text: `${k}: ` }), el('span', { 'data-fact': k, text: v }));
    facts.replaceChildren(
      item(t('condition'), SP.label('condition', p.condition)),
      item(t('significance'), SP.label('significance', p.significance)),
      item(t('last_inspected'), p.last_inspected || t('unknown')),
      item(t('ed_version'), String(p.version)));
    facts.firstChild.lastChild.id = 'condition-now';
  }

  function section(idAttr, titleKey, ...children) {
    return el('section', { id: idAttr, class: 'dept-section', 'aria-labelledby': `${idAttr}-title` },
      tx('h2', titleKey, { id: `${idAttr}-title` }), ...children);
  }

  async function start() {
    await Promise.all([SP.loadVocab(), SP.tiles.home]);
    SP.onLang(relabelVocab);
    const title = document.getElementById('title');
    if (!isNew && !(Number.isInteger(id) && id > 0 && (await loadRecord()).ok)) {
      title.dataset.i18n = 'not_found';
      title.textContent = t('not_found');
      document.body.dataset.ready = 'true';
      return;
    }
    const roleKey = isEditor ? 'ed_role_editor' : isInspector ? 'ed_role_inspector' : 'ed_role_other';
    const parts = [
      isNew ? null : el('ul', { id: 'summary', class: 'dept-summary' }),
      isNew ? null : el('p', { class: 'links-row' }, tx('a', 'ed_view_public', { href: `/monuments/${id}`, id: 'public-link' })),
      tx('p', isNew && !isEditor ? 'ed_new_forbidden' : roleKey, { class: 'hint', id: 'role-note' }),
    ];
    let mapDiv = null;
    let recForm = null;
    if (isEditor) {
      const r = recordSection();
      recForm = r.form;
      mapDiv = r.mapDiv;
      parts.push(el('section', { id: 'record', class: 'dept-section', 'aria-labelledby': 'rec-title' },
        tx('h2', 'ed_record', { id: 'rec-title' }), recForm));
    }
    if (!isNew) {
      // An inspector's forms beside the lists they add to (one under the other on a phone).
      parts.push(section('photos', 'photos', el('div', { class: isInspector ? 'two' : null },
        isInspector ? el('div', {}, tx('h3', 'ph_add', { id: 'ph-add-title' }), photoSection()) : null,
        el('div', {}, tx('h3', 'ph_list'), el('ul', { id: 'photo-list', class: 'photo-list' })))));
      parts.push(section('reports', 'rp_title', el('div', { class: isInspector ? 'two' : null },
        isInspector ? el('div', {}, tx('h3', 'rp_add', { id: 'rp-add-title' }), reportSection()) : null,
        el('div', {}, tx('h3', 'rp_list'), el('ol', { id: 'report-list', class: 'report-list' })))));
    }
    root.append(...parts.filter(Boolean));
    drawHead();
    if (recForm) {
      startMap(mapDiv);
      if (!isNew) fillRecord(recForm, feature.properties);
      showGeometry(isNew ? null : feature.geometry);
    }
    if (!isNew) await Promise.all([loadPhotos(), loadReports()]);
    SP.onLang(() => {
      drawHead();
      drawPhotos();
      drawReports();
      if (!recForm) return;
      geometryUI();
      const icon = geo.shape instanceof L.Marker ? geo.shape.getElement() : null;
      if (icon) { icon.alt = t('ed_marker'); icon.title = t('ed_marker'); }
    });
    SP.apply(root);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
