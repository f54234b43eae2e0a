// web/department.js - the department's overview at /department: what the registry holds
// (GET /stats, as tables by district, condition and significance), the questions the
// department asks every day (in emergency condition, technical act overdue, hit again, no
// photo, damaged in the last 30 days, no protection agreement), each as a count and the first
// monuments behind it linked to their editor and public page, a search that opens any
// monument's editor by name, and "new monument" for editors. Everything comes from the API.
'use strict';
(() => {
  const { t, el } = SP;

  const session = SP.staff.require();
  if (!session) return;
  document.querySelector('header.bar').after(SP.staff.nav('nav_dashboard'));

  const SHOWN = 20;
  const fmt = (key, vars = {}) => t(key).replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
  const get = (path) => SP.staff.api(path, { cache: 'no-cache', headers: { Accept: 'application/geo+json, application/json' } });
  const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  const QUESTIONS = [
    ['emergency', 'condition=emergency'],
    ['act_overdue', 'act_overdue=true'],
    ['hit_again', 'hit_again=true'],
    ['no_photo', 'has_photo=false'],
    ['damaged_30', `damaged_since=${daysAgo(30)}`],
    ['no_agreement', 'has_agreement=false'],
  ];
  const answers = {}; // question key -> the FeatureCollection, or null when it failed
  let stats = null;
  let found = null;

  // A monument in a list: its name opens the editor, and a second link its public page.
  function monumentItem(f) {
    const name = SP.name(f.properties) || `#${f.id}`;
    return el('li', { 'data-id': f.id },
      el('a', { href: `/department/monuments/${f.id}`, text: name }),
      f.properties.address ? el('small', { text: ` — ${f.properties.address}` }) : null,
      ' ', el('a', { class: 'pub', href: `/monuments/${f.id}`, 'aria-label': fmt('db_public_of', { name }), text: `(${t('db_public')})` }));
  }

  function drawQuestions() {
    const box = document.getElementById('question-list');
    box.replaceChildren(...QUESTIONS.map(([key, q]) => {
      const fc = answers[key];
      const n = fc ? fc.numberMatched ?? fc.features.length : null;
      const list = fc?.features.length ? el('ol', {}, ...fc.features.map(monumentItem)) : el('p', { text: fc ? t('db_none') : t('db_failed') });
      return el('section', { class: 'question', id: `q-${key}`, 'aria-labelledby': `q-${key}-title` },
        el('h3', { id: `q-${key}-title` }, el('span', { class: 'count', text: n == null ? '—' : String(n) }), t(`q_${key}`)),
        list,
        n > SHOWN ? el('p', {}, el('a', { href: `/collections/monuments/items?${q}&f=html`, text: fmt('db_more', { n }) })) : null);
    }));
  }

  function statTable(group, captionKey, colKey) {
    const rows = stats?.[group] || [];
    const lab = (r) => (SP.lang === 'en' ? r.label_en : r.label_uk) || (group === 'district' ? t('db_no_district') : t('unknown'));
    const sum = rows.reduce((a, r) => a + r.count, 0);
    return el('div', { class: 'table-wrap' }, el('table', { class: 'table', id: `stats-${group}` },
      el('caption', { text: t(captionKey) }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t(colKey) }), el('th', { scope: 'col', class: 'num', text: t('db_count') }))),
      el('tbody', {}, ...rows.map((r) => el('tr', { 'data-key': r.key ?? '' },
        el('th', { scope: 'row', text: lab(r) }), el('td', { class: 'num', text: String(r.count) })))),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', text: t('db_sum') }), el('td', { class: 'num', text: String(sum) })))));
  }

  function drawStats() {
    const total = document.getElementById('stats-total');
    const tables = document.getElementById('stats-tables');
    if (!stats) { total.textContent = t('db_failed'); tables.replaceChildren(); return; }
    total.textContent = fmt('db_total', { n: stats.total });
    tables.replaceChildren(statTable('district', 'db_by_district', 'db_col_district'),
      statTable('condition', 'db_by_condition', 'db_col_condition'),
      statTable('significance', 'db_by_significance', 'db_col_significance'));
  }

  function drawFound() {
    const list = document.getElementById('find-results');
    const count = document.getElementById('find-count');
    if (!found) { list.replaceChildren(); count.textContent = ''; return; }
    count.textContent = fmt('db_found', { n: found.numberMatched ?? found.features.length });
    list.replaceChildren(...found.features.map(monumentItem));
  }

  function setupSearch() {
    const input = document.getElementById('find-q');
    let timer = null;
    let asked = '';
    const search = async () => {
      const text = input.value.trim();
      if (text === asked) return;
      asked = text;
      if (text.length < 2) { found = null; drawFound(); return; }
      const q = new URLSearchParams({ q: text, limit: '8', properties: 'name_uk,name_en,address' });
      const res = await get(`/collections/monuments/items?${q}`).catch(() => null);
      if (asked !== text) return; // a newer search is under way
      found = res?.ok ? await res.json() : { features: [], numberMatched: 0 };
      drawFound();
    };
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
    document.getElementById('find-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearTimeout(timer);
      asked = '';
      search();
    });
  }

  async function start() {
    if (session.role === 'editor') document.getElementById('new-wrap').hidden = false;
    setupSearch();
    const props = 'name_uk,name_en,address';
    const [st] = await Promise.all([
      get('/stats').then((r) => (r.ok ? r.json() : null)).catch(() => null),
      SP.loadVocab(),
      ...QUESTIONS.map(([key, q]) => get(`/collections/monuments/items?${q}&limit=${SHOWN}&properties=${props}`)
        .then((r) => (r.ok ? r.json() : null)).catch(() => null)
        .then((fc) => { answers[key] = fc; })),
    ]);
    stats = st;
    const redraw = () => {
      document.title = `${t('db_title')} — ${t('brand')}`;
      drawQuestions();
      drawStats();
      drawFound();
    };
    redraw();
    SP.onLang(redraw);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
