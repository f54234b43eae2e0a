// web/conflicts.js - what imports did not change, for an editor to decide
// (/department/conflicts). GET /conflicts lists, for each field a re-import left alone because
// a person (or another data set) changed it since, the source's value and the current one,
// who changed it and when; and the records a re-import of their data set no longer has. Each
// is resolved through POST /conflicts/{id}: keep the current value, take the source's, or
// (a missing record) keep or delete it. Every resolution is audited by the server.
'use strict';
(() => {
  const { t, el } = SP;
  const $ = (id) => document.getElementById(id);
  let items = [];

  const value = (v) => (v == null || v === '' ? t('cf_empty') : v);
  const link = (c) => (c.entity === 'monument'
    ? el('a', { href: `/department/monuments/${c.entity_id}`, text: `${c.name || ''} (№ ${c.entity_id})` })
    : `${c.entity} ${c.entity_id} ${c.name || ''}`);

  async function resolve(c, resolution, card) {
    const res = await SP.staff.api(`/conflicts/${c.id}`, { method: 'POST', body: { resolution } }).catch(() => null);
    if (!res || !res.ok) {
      const why = res ? await SP.staff.errorText(res) : '';
      $('cf-error').className = 'form-alert status error';
      $('cf-error').replaceChildren(el('p', { text: `${t('cf_err_save')} ${why}` }));
      return;
    }
    const done = await res.json();
    $('cf-status').textContent = `${t('cf_done')} ${c.field ? fieldName(c.field) : c.kind} — ${t(`st_${done.status}`)}`;
    card.remove();
    items = items.filter((x) => x.id !== c.id);
  }

  // A field as the editor's form names it, with the name the API and the data set use.
  const fieldName = (f) => (SP.fieldLabel(f) ? `${SP.fieldLabel(f)} (${f})` : f);

  function card(c) {
    const li = el('li', { class: 'card' });
    const dl = el('dl', { class: 'facts' });
    const row = (k, v) => dl.append(el('dt', { text: t(k) }), el('dd', {}, v));
    li.append(el('h2', {}, link(c)));
    if (c.kind === 'missing') {
      li.append(el('p', { text: t('cf_missing') }));
      row('cf_dataset', `${c.dataset} (${c.source_id || '—'})`);
    } else {
      row('cf_field', fieldName(c.field));
      row('cf_source', el('code', { text: value(c.source_value) }));
      row('cf_current', el('code', { text: value(c.current_value) }));
      row('cf_changed', `${c.changed_by || '?'} · ${c.changed_at || ''}`);
      row('cf_dataset', c.dataset);
    }
    row('cf_status', t(`st_${c.status}`));
    li.append(dl);
    if (c.status === 'open' || c.status === 'noted') {
      const choices = c.kind === 'missing' ? [['keep', 'cf_keep_record'], ['delete', 'cf_delete']]
        : [['keep', 'cf_keep'], ['take', 'cf_take']];
      const actions = el('p', { class: 'actions' });
      for (const [resolution, key] of choices) {
        const b = el('button', { type: 'button', class: resolution === 'delete' ? 'btn danger' : 'btn', text: t(key) });
        b.addEventListener('click', () => resolve(c, resolution, li));
        actions.append(b, ' ');
      }
      li.append(actions);
    }
    return li;
  }

  function draw() {
    document.title = t('title_conflicts');
    $('cf-list').replaceChildren(...items.map(card));
    if (!$('cf-status').textContent || !items.length)
      $('cf-status').textContent = items.length ? `${t('cf_count')} ${items.length}` : t('cf_none');
  }

  async function load() {
    $('cf-error').className = 'form-alert';
    $('cf-error').replaceChildren();
    const res = await SP.staff.api(`/conflicts?status=${$('cf-filter').value}`).catch(() => null);
    if (!res || !res.ok) {
      $('cf-error').className = 'form-alert status error';
      $('cf-error').replaceChildren(el('p', { text: t(res?.status === 403 ? 'cf_forbidden' : 'cf_err_load') }));
      items = [];
    } else {
      items = (await res.json()).conflicts;
    }
    $('cf-status').textContent = '';
    draw();
  }

  SP.start(async () => {
    if (!SP.staff.require()) return;
    $('dept-nav').replaceWith(SP.staff.nav('nav_conflicts'));
    $('cf-filter').addEventListener('change', load);
    SP.onLang(draw);
    await load();
    document.body.dataset.ready = 'true';
  });
})();
