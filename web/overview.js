// web/overview.js - the state of heritage at a glance (/overview) for anyone: GET /stats in the
// page's language drawn as charts (inline SVG, no chart library: bars are all it needs), each
// with its numbers as a table and a link to its own CSV (/stats?f=csv&group=...), so a reader
// can check every bar and a journalist can take the figures. Condition colours are the map's
// (TileJSON's legend). Horizontal bars keep long district names readable at 360 px; damage by
// month is a column per month from 2022-02 to this month, months without events included.
'use strict';
(() => {
  const { t, el } = SP;
  const SVG = 'http://www.w3.org/2000/svg';
  const START = '2022-02'; // the full-scale invasion: 2022-02-24
  let stats = null, colours = {}, failed = false;

  function svg(tag, attrs = {}) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  }

  // Horizontal bars: one row per item, label above its bar, the count at its end.
  function bars(id, items, colourOf) {
    const max = Math.max(1, ...items.map((i) => i.count));
    const row = 34, width = 300;
    const s = svg('svg', { viewBox: `0 0 ${width + 60} ${row * items.length}`, role: 'img',
      'aria-labelledby': `${id}-h`, class: 'chart', width: '100%' });
    items.forEach((it, k) => {
      const y = k * row, w = Math.max(1, Math.round((width * it.count) / max));
      const label = svg('text', { x: 0, y: y + 11, class: 'chart-label' });
      label.textContent = it.label;
      const bar = svg('rect', { x: 0, y: y + 15, width: w, height: 14, fill: colourOf(it) });
      const n = svg('text', { x: w + 6, y: y + 27, class: 'chart-count' });
      n.textContent = it.count.toLocaleString(SP.lang === 'uk' ? 'uk-UA' : 'en-GB');
      s.append(label, bar, n);
    });
    return s;
  }

  // Every month from START to now, with the months' counts (0 where none).
  function months(items) {
    const by = Object.fromEntries(items.map((i) => [i.key, i.count]));
    const out = [];
    const now = new Date();
    for (let y = 2022, m = 2; y < now.getUTCFullYear() || (y === now.getUTCFullYear() && m <= now.getUTCMonth() + 1); m++) {
      if (m > 12) { m = 1; y++; }
      const key = `${y}-${String(m).padStart(2, '0')}`;
      if (key >= START) out.push({ key, label: key, count: by[key] || 0 });
    }
    return out;
  }

  function columns(id, items) {
    const max = Math.max(1, ...items.map((i) => i.count));
    const col = 6, height = 120, width = col * items.length;
    const s = svg('svg', { viewBox: `0 0 ${width + 30} ${height + 30}`, role: 'img',
      'aria-labelledby': `${id}-h`, class: 'chart', width: '100%' });
    items.forEach((it, k) => {
      const h = Math.round((height * it.count) / max);
      if (h) s.append(svg('rect', { x: k * col, y: height - h, width: col - 1, height: h, class: 'chart-damage' }));
      if (it.key.endsWith('-01') || k === 0) {
        const year = svg('text', { x: k * col, y: height + 16, class: 'chart-label' });
        year.textContent = it.key.slice(0, 4);
        s.append(year);
      }
    });
    const top = svg('text', { x: width + 4, y: 10, class: 'chart-count' });
    top.textContent = String(max);
    s.append(top, svg('line', { x1: 0, y1: height + 0.5, x2: width, y2: height + 0.5, class: 'chart-axis' }));
    return s;
  }

  function table(items, head) {
    return el('table', { class: 'numbers' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: head }), el('th', { scope: 'col', text: t('ov_count') }))),
      el('tbody', {}, ...items.map((i) => el('tr', {}, el('th', { scope: 'row', text: i.label }),
        el('td', { text: i.count.toLocaleString(SP.lang === 'uk' ? 'uk-UA' : 'en-GB') })))));
  }

  function figure(group, title, chart, items, head, open = true) {
    const id = `ov-${group}`;
    const numbers = el('details', { class: 'numbers-box', open: open || null },
      el('summary', { text: t('ov_numbers') }), table(items, head));
    return el('section', { class: 'overview-chart', id, 'aria-labelledby': `${id}-h` },
      el('h2', { id: `${id}-h`, text: title }), chart,
      numbers,
      el('p', {}, el('a', { href: `/stats?f=csv&group=${group}&lang=${SP.lang}`, download: `stats-${group}.csv`, text: t('ov_csv') })));
  }

  function draw() {
    document.title = `${t('ov_title')} — ${t('brand')}`;
    const box = document.getElementById('charts');
    if (failed) { box.replaceChildren(el('p', { class: 'status error', text: t('ov_failed') })); return; }
    if (!stats) { box.replaceChildren(el('p', { text: t('loading') })); return; }
    document.getElementById('total').textContent = t('ov_total').replace('{n}', stats.total.toLocaleString(SP.lang === 'uk' ? 'uk-UA' : 'en-GB'));
    const byCount = (list) => [...(list || [])].sort((a, b) => b.count - a.count);
    const plain = () => '#1f3b57';
    const dmg = months(stats.damage_month || []);
    const dmgRows = dmg.filter((m) => m.count);
    box.replaceChildren(
      figure('condition', t('ov_condition'), bars('ov-condition', byCount(stats.condition),
        (i) => colours[i.key ?? 'unknown'] || '#999999'), byCount(stats.condition), t('ov_condition_col')),
      figure('damage_month', t('ov_damage'), columns('ov-damage_month', dmg), dmgRows.length ? dmgRows
        : [{ label: '—', count: 0 }], t('ov_month'), false),
      figure('question', t('ov_questions'), bars('ov-question', stats.question || [], plain), stats.question || [], t('ov_question_col')),
      figure('significance', t('ov_significance'), bars('ov-significance', byCount(stats.significance), plain),
        byCount(stats.significance), t('ov_significance_col')),
      figure('district', t('ov_district'), bars('ov-district', byCount(stats.district), plain),
        byCount(stats.district), t('ov_district_col')));
    document.body.dataset.ready = 'true';
  }

  async function load() {
    const json = (url) => fetch(url, { headers: { Accept: 'application/json' } }).then((r) => (r.ok ? r.json() : null));
    try {
      const [s, tj] = await Promise.all([json(`/stats?lang=${SP.lang}`), json('/tiles/monuments.json').catch(() => null)]);
      stats = s;
      failed = !s;
      colours = Object.fromEntries((tj?.legend || []).map((l) => [l.code, l.color]));
    } catch (e) {
      failed = true;
    }
    draw();
  }

  SP.start(() => {
    draw();
    load();
    SP.onLang(load);
  });
})();
