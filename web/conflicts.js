// web/conflicts.js - what imports did not change, for an editor to decide
// (/department/conflicts). GET /conflicts lists, for each field a re-import left alone because
// a person (or another data set) changed it since, the source's value and the current one,
// who changed it and when; and the records a re-import of their data set no longer has. Each
// is resolved through POST /conflicts/{id}: keep the current value, take the source's, or
// (a missing record) keep or delete it. Every resolution is audited by the server.
'use strict';
(() => {
  const { t, el } = SP;
  SP.addWords({
    uk: {
      cf_title: 'Конфлікти імпорту', title_conflicts: 'Конфлікти імпорту — Спадок',
      cf_intro: 'Імпорт не змінив ці значення, бо їх відтоді змінила людина (або інший набір даних). Залиште чинне значення або візьміть значення джерела.',
      show: 'Показати', cf_open: 'відкриті', cf_noted: 'зникли з джерела (до відома)', cf_all: 'усі',
      cf_none: 'Конфліктів немає.', cf_count: 'Конфліктів:', cf_field: 'Поле', cf_source: 'У джерелі',
      cf_current: 'Зараз', cf_changed: 'Змінив(ла)', cf_dataset: 'Набір даних',
      cf_missing: 'Запису більше немає в джерелі (нічого не видалено).',
      cf_keep: 'Залишити чинне', cf_take: 'Взяти з джерела', cf_keep_record: 'Залишити запис',
      cf_delete: 'Видалити запис', cf_done: 'Вирішено:', cf_status: 'Стан', cf_empty: '(порожньо)',
      cf_err_load: 'Не вдалося завантажити конфлікти.', cf_err_save: 'Рішення не збережено.',
      cf_forbidden: 'Конфлікти імпорту вирішують редактори департаменту.',
      st_open: 'відкритий', st_noted: 'до відома', st_kept: 'залишено чинне', st_taken: 'взято з джерела',
      st_deleted: 'видалено',
    },
    en: {
      cf_title: 'Import conflicts', title_conflicts: 'Import conflicts — Spadok',
      cf_intro: 'An import left these values alone because a person (or another data set) changed them since. Keep the current value or take the source’s.',
      show: 'Show', cf_open: 'open', cf_noted: 'gone from the source (for information)', cf_all: 'all',
      cf_none: 'No conflicts.', cf_count: 'Conflicts:', cf_field: 'Field', cf_source: 'In the source',
      cf_current: 'Now', cf_changed: 'Changed by', cf_dataset: 'Data set',
      cf_missing: 'The record is no longer in the source (nothing was deleted).',
      cf_keep: 'Keep current', cf_take: 'Take the source’s', cf_keep_record: 'Keep the record',
      cf_delete: 'Delete the record', cf_done: 'Resolved:', cf_status: 'Status', cf_empty: '(empty)',
      cf_err_load: 'The conflicts could not be loaded.', cf_err_save: 'The decision was not saved.',
      cf_forbidden: 'Import conflicts are for the department’s editors.',
      st_open: 'open', st_noted: 'for information', st_kept: 'current kept', st_taken: 'source taken',
      st_deleted: 'deleted',
    },
  });
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
    $('cf-status').textContent = `${t('cf_done')} ${c.field || c.kind} — ${t(`st_${done.status}`)}`;
    card.remove();
    items = items.filter((x) => x.id !== c.id);
  }

  function card(c) {
    const li = el('li', { class: 'card' });
    const dl = el('dl', { class: 'facts' });
    const row = (k, v) => dl.append(el('dt', { text: t(k) }), el('dd', {}, v));
    li.append(el('h2', {}, link(c)));
    if (c.kind === 'missing') {
      li.append(el('p', { text: t('cf_missing') }));
      row('cf_dataset', `${c.dataset} (${c.source_id || '—'})`);
    } else {
      row('cf_field', c.field);
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

  document.addEventListener('DOMContentLoaded', async () => {
    if (!SP.staff.require()) return;
    $('dept-nav').replaceWith(SP.staff.nav('nav_conflicts'));
    $('cf-filter').addEventListener('change', load);
    SP.onLang(draw);
    await load();
    document.body.dataset.ready = 'true';
  });
})();
