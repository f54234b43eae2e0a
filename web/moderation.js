// web/moderation.js - the editors' queue of citizens' reports (/department/moderation):
// GET /moderation?status=pending|approved|rejected, one card per report (when, the monument or
// the marked place, the description, the contact, which staff may see, and the photos, fetched
// with the token since an <img src> cannot send it, shown from blob: addresses). A pending
// report is approved (unverified or confirmed; a report that only marks a place is given its
// monument first) or rejected with a reason through POST /moderation/{id}; the card then
// leaves the queue. Inspectors are told the server's refusal (403).
'use strict';
(() => {
  const { t, label, el } = SP;

  const STATUSES = ['pending', 'approved', 'rejected'];
  const $ = (id) => document.getElementById(id);
  const blobs = new Map(); // photo address -> blob: URL, kept while the page lives
  let redraws = []; // what changes with the language beyond data-i18n (dates, vocabularies)
  let reports = [];
  let status = 'pending';
  let pageError = null; // {key, detail}
  let lastDone = null; // {key, ref}

  const when = (iso) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso || '';
    return d.toLocaleString(SP.lang === 'en' ? 'en-GB' : 'uk-UA', { dateStyle: 'medium', timeStyle: 'short' });
  };
  // An element whose text is one of the page's words, kept in the chosen language by SP.apply.
  const word = (tag, key, attrs = {}) => el(tag, { ...attrs, 'data-i18n': key, text: t(key) });
  const live = (fn) => { redraws.push(fn); fn(); };

  function alertBox(box, state) {
    if (!state) { box.className = 'form-alert'; box.replaceChildren(); return; }
    box.className = 'form-alert status error';
    box.replaceChildren(el('p', { text: t(state.key) }));
    if (state.detail)
      box.append(el('p', { class: 'detail' }, `${t('server_said')} `, el('span', { lang: 'en', text: state.detail })));
  }

  async function photoUrl(path) {
    if (blobs.has(path)) return blobs.get(path);
    const res = await SP.staff.api(path, { headers: { Accept: 'image/*' } });
    if (!res.ok) throw new Error(`${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    blobs.set(path, url);
    return url;
  }

  function photos(rep) {
    if (!rep.photos?.length) return null;
    const large = el('div', { class: 'large', hidden: true });
    const items = rep.photos.map((ph, i) => {
      const img = el('img', { width: 160, height: 120 });
      const btn = el('button', { type: 'button', class: 'thumb', 'aria-expanded': 'false' }, img);
      live(() => {
        img.alt = `${t('photo_of')} ${i + 1} — ${t('report_ref')} ${rep.ref}`;
        btn.title = t(btn.getAttribute('aria-expanded') === 'true' ? 'shrink' : 'enlarge');
      });
      photoUrl(`${ph.href}/thumb`).then((url) => { img.src = url; })
        .catch(() => { img.alt = `${t('photo_failed')} (${i + 1})`; img.classList.add('failed'); });
      btn.addEventListener('click', async () => {
        const open = btn.getAttribute('aria-expanded') === 'true';
        for (const b of large.parentNode.querySelectorAll('.thumb')) { b.setAttribute('aria-expanded', 'false'); b.title = t('enlarge'); }
        if (open) { large.hidden = true; large.replaceChildren(); return; }
        btn.setAttribute('aria-expanded', 'true');
        btn.title = t('shrink');
        try {
          const url = await photoUrl(`${ph.href}/web`);
          large.replaceChildren(el('img', { src: url, alt: img.alt }));
          large.hidden = false;
        } catch (e) {
          large.replaceChildren(el('p', { text: t('photo_failed') }));
          large.hidden = false;
        }
      });
      return el('li', {}, btn);
    });
    return el('div', { class: 'photos' }, word('h3', 'photos_n'), el('ul', { class: 'thumbs' }, ...items), consent(rep.photos[0]), large);
  }

  // What the citizen chose for the photos (one choice for all of a report's): approval follows it.
  function consent(ph) {
    const p = el('p', { class: 'consent' });
    live(() => {
      const what = ph.licence
        ? `${ph.licence} · ${t('credit_as')}: ${ph.credit || t('anonymous')}`
        : t('consent_none');
      p.replaceChildren(el('strong', { text: `${t('consent')}: ` }), what);
    });
    return p;
  }

  function facts(rep) {
    const dl = el('dl', { class: 'facts' });
    const row = (key, ...dd) => dl.append(word('dt', key), el('dd', {}, ...dd));
    const time = el('time', { datetime: rep.created_at });
    live(() => { time.textContent = when(rep.created_at); });
    row('received', time);
    if (rep.monument_id)
      row('monument', el('a', { href: `/monuments/${rep.monument_id}`, lang: 'uk', text: rep.monument_name_uk || `#${rep.monument_id}` }));
    if (rep.lon != null && rep.lat != null)
      row('place', `${rep.lat.toFixed(5)}, ${rep.lon.toFixed(5)} `,
        el('a', { href: `/#map=18/${rep.lat.toFixed(5)}/${rep.lon.toFixed(5)}` }, '(', word('span', 'on_map'), ')'));
    row('description', el('span', { class: 'text', text: rep.description }));
    row('contact', rep.contact ? el('span', { text: rep.contact }) : word('span', 'no_contact', { class: 'muted' }));
    if (rep.status === 'pending' && rep.review_at) {
      const since = el('time', { datetime: rep.review_at });
      live(() => { since.textContent = when(rep.review_at); });
      row('review_at', since);
    }
    if (rep.status !== 'pending') {
      const st = el('span');
      live(() => { st.textContent = label('report_status', rep.status); });
      row('status', st);
      if (rep.reason) row('reason', el('span', { class: 'text', text: rep.reason }));
      if (rep.report_id && rep.monument_id)
        row('condition_report', el('a', { href: `/monuments/${rep.monument_id}`, text: `#${rep.report_id}` }));
    }
    return dl;
  }

  function vocabSelect(id, domain, codes, empty) {
    const sel = el('select', { id });
    live(() => {
      const keep = sel.value;
      sel.replaceChildren(...(empty ? [el('option', { value: '', text: t(empty) })] : []),
        ...codes.map((c) => el('option', { value: c, text: label(domain, c) })));
      sel.value = keep || (empty ? '' : codes[0]);
    });
    return sel;
  }

  // The approve and reject forms of a pending report.
  function decide(rep, card) {
    const id = rep.id;
    const box = el('div', { class: 'form-alert', role: 'alert' });
    const approveForm = el('form', { class: 'form approve', novalidate: true });
    let monumentId = rep.monument_id || null;
    const monErr = el('p', { id: `mon-err-${id}`, class: 'field-error' });
    if (!rep.monument_id) {
      const input = el('input', { id: `mon-${id}`, type: 'text', autocomplete: 'off', role: 'combobox',
        'aria-controls': `mon-list-${id}`, 'aria-expanded': 'false', 'aria-autocomplete': 'list',
        'aria-describedby': `mon-hint-${id} mon-err-${id}` });
      const list = el('ul', { id: `mon-list-${id}`, class: 'suggestions', role: 'listbox', 'aria-label': t('monument'), 'data-i18n-aria': 'monument', hidden: true });
      const chosen = el('p', { class: 'chosen', 'aria-live': 'polite' });
      SP.picker.combobox(input, list, (f) => {
        monumentId = f.id;
        monErr.textContent = '';
        input.removeAttribute('aria-invalid');
        chosen.replaceChildren(word('span', 'chosen'), ' ', el('a', { href: `/monuments/${f.id}`, text: SP.name(f.properties) }));
      });
      input.addEventListener('input', () => { monumentId = null; chosen.replaceChildren(); });
      approveForm.append(word('label', 'monument_for', { for: `mon-${id}` }),
        word('p', 'monument_for_hint', { id: `mon-hint-${id}`, class: 'hint' }),
        el('div', { class: 'combo' }, input, list), chosen, monErr);
    }
    const ver = vocabSelect(`ver-${id}`, 'verification', ['unverified', 'confirmed']);
    const dmg = vocabSelect(`dmg-${id}`, 'damage_level', (SP.vocab.damage_level || []).map((v) => v.code), 'not_set');
    const approveBtn = word('button', 'approve', { type: 'submit', class: 'btn' });
    approveForm.append(word('label', 'verification', { for: `ver-${id}` }), ver,
      word('label', 'damage_level_opt', { for: `dmg-${id}` }), dmg, el('p', {}, approveBtn));

    const reason = el('textarea', { id: `reason-${id}`, rows: 3, required: true, 'aria-describedby': `reason-err-${id}` });
    const reasonErr = el('p', { id: `reason-err-${id}`, class: 'field-error' });
    const publicReason = el('textarea', { id: `public-reason-${id}`, rows: 2 });
    const rejectBtn = word('button', 'reject', { type: 'submit', class: 'btn danger' });
    const rejectForm = el('form', { class: 'form reject', novalidate: true },
      word('label', 'reason_label', { for: `reason-${id}` }), reason, reasonErr,
      word('label', 'public_reason_label', { for: `public-reason-${id}` }), publicReason, el('p', {}, rejectBtn));
    reason.addEventListener('input', () => { reasonErr.textContent = ''; reason.removeAttribute('aria-invalid'); });

    let shown = null;
    live(() => {
      alertBox(box, shown);
      if (monErr.textContent) monErr.textContent = t('err_monument_for');
      if (reasonErr.textContent) reasonErr.textContent = t('err_reason');
    });

    async function send(body, button) {
      shown = null;
      alertBox(box, null);
      const buttons = [approveBtn, rejectBtn];
      buttons.forEach((b) => { b.disabled = true; });
      const was = button.textContent;
      button.textContent = t('working');
      let res = null;
      let answer = null;
      try {
        res = await SP.staff.api(`/moderation/${id}`, { method: 'POST', body });
        answer = await res.json().catch(() => null);
      } catch (e) { res = null; }
      buttons.forEach((b) => { b.disabled = false; });
      button.textContent = was;
      if (res?.ok) return done(rep, card, answer?.status === 'rejected' ? 'rejected_msg' : 'approved_msg');
      shown = res ? { key: 'err_decide', detail: answer?.description || `${res.status} ${res.statusText}` } : { key: 'err_network' };
      alertBox(box, shown);
      box.scrollIntoView({ block: 'nearest' });
    }

    approveForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!monumentId) {
        monErr.textContent = t('err_monument_for');
        const input = $(`mon-${id}`);
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      const body = { decision: 'approve', verification: ver.value };
      if (!rep.monument_id) body.monument_id = monumentId;
      if (dmg.value) body.damage_level = dmg.value;
      send(body, approveBtn);
    });
    rejectForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) {
        reasonErr.textContent = t('err_reason');
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      const body = { decision: 'reject', reason: reason.value.trim() };
      if (publicReason.value.trim()) body.public_reason = publicReason.value.trim();
      send(body, rejectBtn);
    });
    // Taking it up tells its citizen (GET /reports/{ref}) that it is under review.
    const reviewBtn = word('button', rep.review_at ? 'under_review' : 'review', { type: 'button', class: 'btn secondary', disabled: !!rep.review_at });
    reviewBtn.addEventListener('click', async () => {
      reviewBtn.disabled = true;
      const res = await SP.staff.api(`/moderation/${id}`, { method: 'POST', body: { decision: 'review' } }).catch(() => null);
      if (res?.ok) { rep.review_at = new Date().toISOString(); reviewBtn.dataset.i18n = 'under_review'; reviewBtn.textContent = t('under_review'); return; }
      reviewBtn.disabled = false;
      shown = res ? { key: 'err_decide', detail: `${res.status} ${res.statusText}` } : { key: 'err_network' };
      alertBox(box, shown);
    });
    return el('div', { class: 'decide' }, box, el('p', {}, reviewBtn),
      el('section', { class: 'choice', 'aria-labelledby': `ap-${id}` }, word('h3', 'approve', { id: `ap-${id}` }), approveForm),
      el('section', { class: 'choice', 'aria-labelledby': `rj-${id}` }, word('h3', 'reject', { id: `rj-${id}` }), rejectForm));
  }

  function card(rep) {
    const li = el('li', { class: 'card', id: `report-${rep.id}` });
    const title = el('h2', { id: `report-${rep.id}-title`, tabindex: '-1' },
      word('span', 'report_ref'), ' ', el('span', { class: 'ref', text: rep.ref }));
    const article = el('article', { 'aria-labelledby': `report-${rep.id}-title` }, title, facts(rep), photos(rep));
    if (rep.status === 'pending') article.append(decide(rep, li));
    li.append(article);
    return li;
  }

  // After a decision the card leaves the queue; focus goes to the next card (or the title).
  function done(rep, li, key) {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    reports = reports.filter((r) => r.id !== rep.id);
    lastDone = { key, ref: rep.ref };
    drawStatus();
    drawCount();
    (next?.querySelector('h2') || $('title')).focus();
  }

  function drawStatus() {
    $('mod-status').textContent = lastDone ? `${t(lastDone.key)} ${lastDone.ref}.` : '';
  }

  function drawCount() {
    const c = $('mod-count');
    c.textContent = reports.length ? `${t('mod_count')} ${reports.length}.${reports.length >= 500 ? ` ${t('mod_capped')}` : ''}`
      : t('mod_empty');
  }

  function drawFilter() {
    const sel = $('status-filter');
    for (const o of sel.options) o.textContent = label('report_status', o.value);
    sel.value = status;
  }

  async function load() {
    redraws = [];
    $('queue').replaceChildren();
    $('mod-count').textContent = t('mod_loading');
    let res = null;
    let body = null;
    try {
      res = await SP.staff.api(`/moderation?status=${encodeURIComponent(status)}`);
      body = await res.json().catch(() => null);
    } catch (e) { res = null; }
    if (!res?.ok || !Array.isArray(body?.reports)) {
      const forbidden = res?.status === 403;
      pageError = res ? { key: forbidden ? 'err_forbidden' : 'err_load', detail: body?.description || `${res.status} ${res.statusText}` }
        : { key: 'err_network' };
      alertBox($('mod-error'), pageError);
      $('mod-body').hidden = forbidden;
      $('mod-count').textContent = '';
      return;
    }
    pageError = null;
    alertBox($('mod-error'), null);
    $('mod-body').hidden = false;
    // The queue oldest first (as it waits); decisions taken, newest first.
    reports = status === 'pending' ? body.reports : body.reports.slice().reverse();
    $('queue').replaceChildren(...reports.map(card));
    drawCount();
  }

  async function start() {
    if (!SP.staff.require()) return;
    $('dept-nav').replaceWith(SP.staff.nav('nav_moderation'));
    const asked = new URLSearchParams(location.search).get('status');
    if (STATUSES.includes(asked)) status = asked;
    await SP.loadVocab();
    drawFilter();
    $('status-filter').addEventListener('change', async (ev) => {
      status = ev.target.value;
      lastDone = null;
      drawStatus();
      history.replaceState(null, '', status === 'pending' ? location.pathname : `?status=${status}`);
      await load();
    });
    await load();
    SP.onLang(() => {
      document.title = t('title_moderation');
      drawFilter();
      drawStatus();
      if ($('mod-count').textContent) drawCount();
      alertBox($('mod-error'), pageError);
      redraws.forEach((fn) => fn());
    });
    document.title = t('title_moderation');
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
