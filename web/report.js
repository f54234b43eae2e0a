// web/report.js - the public's damage report (/report, /report?monument=ID), made for a phone:
// the monument chosen by name (the map page's search) or a place marked on a small map (a tap,
// the map's centre, or the phone's location), what is damaged, up to 5 photos with previews,
// whether the photos may be published (CC BY 4.0, the default; CC0 1.0; or not at all) and how
// to credit them (a name, or anonymous), an optional contact; sent as multipart/form-data to
// POST /reports (no account). The answer is a receipt with the reference number and a link to
// the report's status page (/report/{ref}); a refusal (400, 413, 415, 429) is said in plain words
// beside the field it concerns, and everything typed and attached stays.
'use strict';
(() => {
  const { t, name, el } = SP;
  const MAX_PHOTOS = 5;
  const MAX_TEXT_BYTES = 4000; // the server's limits (server/routes_reports.c), in UTF-8 bytes
  const MAX_CONTACT_BYTES = 200; // also a credit's



  const $ = (id) => document.getElementById(id);
  const state = { monument: null, missing: false, point: null, photos: [], receipt: null };
  let map, pointMark, monumentMark;
  let alertState = null; // {keys: [...], detail} to redraw the alert in the other language

  const bytes = (s) => new TextEncoder().encode(s).length;
  const fmt = (x) => x.toFixed(5);

  // ---- the place: a monument, a point, or both ---------------------------------------------
  function drawPlace() {
    const m = $('chosen-monument');
    if (state.monument) {
      const clear = el('button', { type: 'button', class: 'btn secondary small', 'aria-label': t('clear_monument'), text: t('clear') });
      clear.addEventListener('click', () => { setMonument(null); $('monument-search').focus(); });
      m.replaceChildren(`${t('chosen_monument')} `, el('strong', { text: name(state.monument.properties) }), ' ', clear);
    } else {
      m.replaceChildren(state.missing ? t('monument_missing') : '');
    }
    const p = $('chosen-point');
    if (state.point) {
      const clear = el('button', { type: 'button', class: 'btn secondary small', 'aria-label': t('clear_point'), text: t('clear') });
      clear.addEventListener('click', () => setPoint(null));
      p.replaceChildren(`${t('chosen_point')} `, el('strong', { text: `${fmt(state.point.lat)}, ${fmt(state.point.lng)}` }), ' ', clear);
    } else {
      p.replaceChildren();
    }
    if (pointMark) pointMark.getElement()?.setAttribute('alt', t('point_marker'));
  }

  function setMonument(f) {
    state.monument = f;
    state.missing = false;
    if (monumentMark) { monumentMark.remove(); monumentMark = null; }
    if (f) {
      $('monument-search').value = name(f.properties);
      const a = SP.picker.anchor(f);
      if (a) {
        monumentMark = L.circleMarker([a.lat, a.lon], { radius: 9, color: '#1f3b57', weight: 3, fillColor: '#0b5cad', fillOpacity: 0.7, interactive: false }).addTo(map);
        if (!state.point) map.setView([a.lat, a.lon], 17);
      }
      fieldError('place', []);
    } else {
      $('monument-search').value = '';
    }
    drawPlace();
  }

  function setPoint(latlng) {
    state.point = latlng ? L.latLng(latlng) : null;
    if (pointMark) { pointMark.remove(); pointMark = null; }
    if (state.point) {
      pointMark = L.marker(state.point, { interactive: false, keyboard: false, alt: t('point_marker') }).addTo(map);
      fieldError('place', []);
    }
    drawPlace();
  }

  function locate() {
    const status = $('geo-status');
    const say = (key) => { status.dataset.i18n = key; status.textContent = key ? t(key) : ''; };
    if (!navigator.geolocation) return say('locate_failed');
    say('locating');
    navigator.geolocation.getCurrentPosition((pos) => {
      const at = L.latLng(pos.coords.latitude, pos.coords.longitude);
      map.setView(at, 17);
      setPoint(at);
      say('');
    }, () => say('locate_failed'), { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // ---- photos ---------------------------------------------------------------------------
  function drawPhotos() {
    $('previews').replaceChildren(...state.photos.map((ph, i) => {
      const remove = el('button', { type: 'button', class: 'remove', 'aria-label': `${t('remove_photo')} ${i + 1}`, title: `${t('remove_photo')} ${i + 1}`, text: '✕' });
      remove.addEventListener('click', () => {
        URL.revokeObjectURL(ph.url);
        state.photos.splice(i, 1);
        drawPhotos();
        fieldError('photos', []);
        ($('previews').querySelector('.remove') || $('photos')).focus();
      });
      return el('li', {}, el('img', { src: ph.url, alt: `${t('photo_n')} ${i + 1}: ${ph.file.name}` }), remove);
    }));
  }

  function addPhotos() {
    const input = $('photos');
    const refused = [];
    let tooMany = false;
    for (const file of input.files) {
      if (file.type && !file.type.startsWith('image/')) { refused.push(file.name); continue; }
      if (state.photos.length >= MAX_PHOTOS) { tooMany = true; continue; }
      state.photos.push({ file, url: URL.createObjectURL(file) });
    }
    input.value = ''; // the same file may be chosen again after it is removed
    drawPhotos();
    const parts = [];
    if (refused.length) parts.push(['err_not_image_file', refused.join(', ')]);
    if (tooMany) parts.push(['err_too_many_photos']);
    fieldError('photos', parts);
  }

  // ---- errors: one per field (tied with aria-describedby) and the summary (role="alert") ---
  // parts: [[key, extra], ...] (extra: text after the words, e.g. file names); [] clears.
  function fieldError(field, parts) {
    const p = $(`${field}-error`);
    p.dataset.parts = JSON.stringify(parts);
    p.textContent = parts.map(([k, extra]) => (extra ? `${t(k)} ${extra}` : t(k))).join(' ');
    const input = field === 'place' ? $('monument-search') : $(field);
    if (parts.length) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }

  function drawAlert() {
    const box = $('form-error');
    if (!alertState) { box.replaceChildren(); box.className = 'form-alert'; return; }
    const { keys, detail } = alertState;
    box.className = 'form-alert status error';
    const words = keys.length > 1 ? [el('p', { text: t('err_check') }), el('ul', {}, ...keys.map((k) => el('li', { text: t(k) })))]
      : [el('p', { text: t(keys[0]) })];
    if (detail) words.push(el('p', { class: 'detail' }, `${t('server_said')} `, el('span', { lang: 'en', text: detail })));
    box.replaceChildren(...words);
  }

  function showAlert(keys, detail = null) {
    alertState = keys.length ? { keys, detail } : null;
    drawAlert();
  }

  function validate() {
    const problems = []; // [field, key]
    if (!state.monument && !state.point) problems.push(['place', 'err_place']);
    const d = $('description').value;
    if (!d.trim()) problems.push(['description', 'err_description']);
    else if (bytes(d) > MAX_TEXT_BYTES) problems.push(['description', 'err_description_long']);
    if (bytes($('contact').value.trim()) > MAX_CONTACT_BYTES) problems.push(['contact', 'err_contact_long']);
    if (bytes($('credit').value.trim()) > MAX_CONTACT_BYTES) problems.push(['credit', 'err_credit_long']);
    for (const f of ['place', 'description', 'contact', 'credit']) fieldError(f, problems.filter(([g]) => g === f).map(([, k]) => [k]));
    return problems;
  }

  // The server's refusal ({"code", "description"}) said in plain words, at its field.
  function explain(status, body) {
    const text = body?.description || '';
    if (status === 429) return ['', 'err_rate'];
    if (status === 413) return ['photos', 'err_too_large'];
    if (status === 415) return ['photos', 'err_not_image'];
    if (status >= 500) return ['', 'err_server'];
    if (/^description/.test(text)) return ['description', /bytes/.test(text) ? 'err_description_long' : 'err_description'];
    if (/^contact/.test(text)) return ['contact', 'err_contact_long'];
    if (/^photo_credit/.test(text)) return ['credit', 'err_credit_long'];
    if (/^monument_id/.test(text)) return ['place', 'err_monument'];
    if (/^(say where|location|lon and lat)/.test(text)) return ['place', 'err_place'];
    if (/photo/.test(text)) return ['photos', /at most/.test(text) ? 'err_too_many_photos' : 'err_not_image'];
    return ['', 'err_other'];
  }

  async function submit(ev) {
    ev.preventDefault();
    const problems = validate();
    if (problems.length) {
      showAlert(problems.map(([, k]) => k));
      (problems[0][0] === 'place' ? $('monument-search') : $(problems[0][0])).focus();
      return;
    }
    const fd = new FormData();
    if (state.monument) fd.append('monument_id', String(state.monument.id));
    if (state.point) {
      fd.append('lon', state.point.lng.toFixed(6));
      fd.append('lat', state.point.lat.toFixed(6));
    }
    fd.append('description', $('description').value.trim());
    const contact = $('contact').value.trim();
    if (contact) fd.append('contact', contact);
    if (state.photos.length) {
      fd.append('photo_licence', document.querySelector('input[name="photo_licence"]:checked')?.value || 'none');
      const credit = $('credit').value.trim();
      if (credit) fd.append('photo_credit', credit);
    }
    for (const ph of state.photos) fd.append('file', ph.file, ph.file.name);

    const button = $('submit');
    button.disabled = true;
    button.textContent = t('sending');
    $('report-form').setAttribute('aria-busy', 'true');
    let res = null;
    let body = null;
    try {
      res = await fetch('/reports', { method: 'POST', body: fd, headers: { Accept: 'application/json' } });
      body = await res.json().catch(() => null);
    } catch (e) { res = null; }
    button.disabled = false;
    button.textContent = t('send');
    $('report-form').removeAttribute('aria-busy');
    if (!res) { showAlert(['report_err_network']); return; }
    if (res.status === 201 && body?.ref) {
      state.receipt = body;
      drawReceipt();
      $('report').hidden = true;
      $('receipt').hidden = false;
      $('receipt').focus();
      window.scrollTo(0, 0);
      return;
    }
    const [field, key] = explain(res.status, body);
    if (field) fieldError(field, [[key]]);
    showAlert([key], body?.description || `${res.status} ${res.statusText}`);
    $('form-error').scrollIntoView({ block: 'nearest' });
  }

  // ---- the receipt ------------------------------------------------------------------------
  function drawReceipt() {
    const r = state.receipt;
    if (!r) return;
    const m = state.monument;
    const again = el('button', { type: 'button', class: 'btn secondary', text: t('report_another') });
    again.addEventListener('click', () => location.assign('/report'));
    const links = [el('li', {}, el('a', { href: '/', text: t('to_map') }))];
    if (m) links.push(el('li', {}, el('a', { href: `/monuments/${m.id}` }, `${t('to_monument')}: ${name(m.properties)}`)));
    else if (state.point) links.push(el('li', {}, el('a', { href: `/#map=18/${fmt(state.point.lat)}/${fmt(state.point.lng)}`, text: t('to_point') })));
    $('receipt').replaceChildren(
      el('div', { class: 'status ok' },
        el('h2', { text: t('thanks') }),
        el('p', { text: SP.lang === 'en' ? r.message_en : r.message_uk }),
        el('p', { class: 'ref-line' }, `${t('ref_is')} `, el('strong', { class: 'ref', id: 'ref', text: r.ref })),
        el('p', { text: t('keep_ref') }),
        el('p', {}, el('a', { id: 'status-link', href: r.page || `/report/${encodeURIComponent(r.ref)}`, text: t('follow') })),
        r.photos ? el('p', { text: `${t('photos_received')} ${r.photos}` }) : null),
      el('h2', { text: t('next_title') }),
      el('ol', {}, el('li', { text: t('next_1') }), el('li', { text: t('next_2') }), el('li', { text: t('next_3') })),
      el('ul', { class: 'links' }, ...links),
      el('p', {}, again));
  }

  function redraw() {
    document.title = t('title_report');
    drawPlace();
    drawPhotos();
    drawAlert();
    for (const f of ['place', 'description', 'contact', 'photos', 'credit'])
      fieldError(f, JSON.parse($(`${f}-error`).dataset.parts || '[]'));
    drawReceipt();
  }

  async function start() {
    const [lat, lon, z] = await SP.tiles.home;
    map = L.map('report-map', { zoomControl: true, scrollWheelZoom: false }).setView([lat, lon], z);
    map.attributionControl.setPrefix(false);
    SP.tiles.layer('monuments', { minZoom: 5, className: 'monument-tiles' }).addTo(map);
    SP.tiles.base().then((b) => b.addTo(map));
    map.on('click', (e) => setPoint(e.latlng));
    $('use-centre').addEventListener('click', () => setPoint(map.getCenter()));
    $('locate').addEventListener('click', locate);
    $('photos').addEventListener('change', addPhotos);
    $('report-form').addEventListener('submit', submit);
    $('description').addEventListener('input', () => { if ($('description').value.trim()) fieldError('description', []); });
    SP.picker.combobox($('monument-search'), $('monument-list'), setMonument);

    await SP.loadVocab();
    const wanted = new URLSearchParams(location.search).get('monument');
    if (wanted) {
      const f = /^\d+$/.test(wanted) ? await SP.picker.byId(wanted).catch(() => null) : null;
      if (f) setMonument(f); else state.missing = true;
    }
    redraw();
    SP.onLang(redraw);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
