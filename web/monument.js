// web/monument.js - a monument's page (/monuments/{id}): everything the public may see of
// it. Names in both languages, the description, its facts (significance, kinds, condition,
// dating, address: an unknown is said to be unknown, never filled with a guess), the
// protection documents that are known, a small map of its place or outline, the public
// sources of its facts (links where they are addresses), the datasets it came from with
// their licences, the photo gallery (thumbnails opening the web copy; author, licence and
// alt text), the condition timeline (its reports, newest first), the public history of the
// record, and the record as GeoJSON to download. Everything comes from the public API and
// is built with el(), never as HTML text.
'use strict';
(() => {
  const { t, label, name, el } = SP;
  const id = Number(location.pathname.split('/')[2]);
  const root = document.getElementById('monument');
  const api = (path) => fetch(path, { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const isUrl = (s) => typeof s === 'string' && /^https?:\/\/\S+$/i.test(s);
  let data = null;

  // An address as a link that opens no door back into this page; its text readable
  // (percent-escapes of Cyrillic titles decoded).
  function link(href, text) {
    let shown = text;
    if (shown == null) try { shown = decodeURI(href); } catch (e) { shown = href; }
    return el('a', { href, rel: 'noopener', text: shown });
  }

  function facts(p) {
    const kinds = (p.kinds || '').split(';').filter(Boolean).map((k) => label('kind', k)).join(', ');
    const rows = [ // the first five are always shown: unknown when not known
      ['significance', label('significance', p.significance)],
      ['object_kind', label('object_kind', p.object_kind)],
      ['kind', kinds || t('unknown')],
      ['condition', label('condition', p.condition)],
      ['dating', p.dating || t('unknown')], ['address', p.address || t('unknown')],
      ['district', p.district && label('district', p.district)], ['last_inspected', p.last_inspected],
    ];
    return el('dl', { class: 'facts' }, ...rows.filter(([, v]) => v).flatMap(([k, v]) =>
      [el('dt', { text: t(k) }), el('dd', { 'data-field': k, text: v })]));
  }

  // The register act, protection number, agreement and passport: only those that are known.
  function documents(p) {
    const dated = (what, date) => [what, date && `${t('dated')} ${date}`].filter(Boolean).join(' ');
    const rows = [
      ['register_act', p.register_act || p.register_date ? dated(p.register_act || '—', p.register_date) : null],
      ['protection_no', p.protection_no],
      ['agreement', p.agreement_no || p.agreement_date ? dated(p.agreement_no ? `№ ${p.agreement_no}` : '—', p.agreement_date) : null],
      ['passport_ref', p.passport_ref],
    ].filter(([, v]) => v);
    if (!rows.length) return el('p', { text: t('no_documents') });
    return el('dl', { class: 'facts documents' }, ...rows.flatMap(([k, v]) =>
      [el('dt', { text: t(k) }), el('dd', { 'data-field': k, text: v })]));
  }

  // The `source` property: ';'-separated addresses and titles, mixed. An address is a link;
  // anything else, an address inside a sentence included, stays text.
  function sources(p) {
    const items = (p.source || '').split(';').map((s) => s.trim()).filter(Boolean);
    if (!items.length) return el('p', { text: t('no_sources') });
    return el('ul', { class: 'sources' }, ...items.map((s) => el('li', {}, isUrl(s) ? link(s) : s)));
  }

  // properties.datasets (when the server gives it): each with its licence, said to be
  // unknown when it is.
  function datasets(list) {
    return el('ul', { class: 'datasets' }, ...list.map((d) => {
      const known = d.licence && d.licence !== 'unknown';
      const licence = !known ? el('span', { class: 'unknown', text: t('licence_unknown') })
        : el('span', {}, `${t('licence')}: `, isUrl(d.licence_url) ? link(d.licence_url, d.licence) : d.licence);
      const parts = [d.publisher, d.attribution].filter(Boolean);
      return el('li', {}, el('strong', { text: d.title || d.name || '' }),
        parts.length ? ` — ${parts.join('. ')}` : null,
        el('br'), licence,
        isUrl(d.url) ? ' · ' : null, isUrl(d.url) ? link(d.url, t('dataset_link')) : null,
        d.retrieved ? ` · ${t('retrieved')} ${d.retrieved}` : null);
    }));
  }

  function gallery(photos) {
    if (!photos.length) return el('p', { text: t('no_photos') });
    return el('ul', { class: 'gallery' }, ...photos.map((ph) => {
      const alt = (SP.lang === 'en' ? ph.alt_en : ph.alt_uk) || ph.alt_uk || ph.alt_en ||
        (SP.lang === 'en' ? ph.caption_en : ph.caption_uk) || name(data.feature.properties);
      const caption = (SP.lang === 'en' ? ph.caption_en : ph.caption_uk) || '';
      // a citizen who gave no name is credited "anonymous" (stored so), said in the page's language
      const author = ph.author === 'anonymous' ? t('anonymous') : ph.author;
      const credit = `${t('photo_by')}: ${author || t('unknown')} · ${t('licence')}: ${ph.licence || t('unknown')}`;
      return el('li', {}, el('figure', {},
        el('a', { href: `/photos/${ph.id}/web` },
          el('img', { src: `/photos/${ph.id}/thumb`, alt, loading: 'lazy', width: 320 })),
        el('figcaption', {}, caption, caption && credit ? el('br') : null, credit)));
    }));
  }

  function timeline(reports) {
    if (!reports.length) return el('p', { text: t('no_reports') });
    return el('ol', { class: 'timeline' }, ...reports.map((f) => {
      const p = f.properties;
      const when = p.observed_on || p.event_date || (p.created_at || '').slice(0, 10);
      const parts = [label('report_type', p.report_type)];
      if (p.condition) parts.push(`${t('condition')}: ${label('condition', p.condition)}`);
      if (p.damage_level) parts.push(`${t('f_damage_level')}: ${label('damage_level', p.damage_level)}`);
      return el('li', {}, el('time', { datetime: when, text: when }), ' — ', parts.join('; '),
        p.description ? el('p', { text: p.description }) : null);
    }));
  }

  // A change to the record in words: what was done, by whom (a role or an import run, never a
  // login), and which details changed, named as the editor's form names them.
  function history(h) {
    const who = (by) => {
      const run = /^import run (\d+)$/.exec(by || '');
      if (run) return t('hist_by_import').replace('{n}', run[1]);
      return SP.has(`role_${by}`) ? t(`role_${by}`) : t('hist_by_staff');
    };
    const what = (action) => t(SP.has(`hist_${action}`) ? `hist_${action}` : 'hist_update');
    const details = (changes) => [...new Set(Object.keys(changes)
      .map((k) => SP.fieldLabel(k) ?? t('hist_other')))].join(', ');
    return el('ol', { class: 'timeline' }, ...(h?.history || []).slice().reverse().map((row) =>
      el('li', {}, el('time', { datetime: row.at, text: row.at.slice(0, 16).replace('T', ' ') }),
        ` — ${what(row.action)} (${who(row.by)})`,
        row.changes ? el('p', { text: `${t('hist_details')}: ${details(row.changes)}` }) : null)));
  }

  function render() {
    if (!data) return;
    const { feature, photos, reports, hist } = data;
    const p = feature.properties;
    const title = name(p);
    const sets = Array.isArray(p.datasets) && p.datasets.length ? p.datasets : null;
    document.title = `${title} — ${t('brand')}`;
    const mini = el('div', { id: 'mini-map', role: 'region', 'aria-label': `${t('map_label')}: ${title}` });
    root.replaceChildren(...[ // (replaceChildren would write a null as "null")
      el('p', {}, el('a', { href: '/', text: t('back') })),
      el('h1', { text: title }),
      (SP.lang === 'en' ? p.name_uk : p.name_en) ? el('p', { lang: SP.lang === 'en' ? 'uk' : 'en', text: SP.lang === 'en' ? p.name_uk : p.name_en }) : null,
      p.description ? el('p', { class: 'description', lang: 'uk', text: p.description })
        : el('p', { class: 'description', text: t('no_description') }),
      facts(p), el('p', {}, el('a', { href: `/report?monument=${id}`, text: t('report_damage') })), mini,
      el('h2', { text: t('documents') }), documents(p),
      el('h2', { text: t('sources') }), sources(p),
      sets ? el('h2', { text: t('datasets') }) : null, sets ? datasets(sets) : null,
      el('h2', { text: t('photos') }), gallery(photos),
      el('h2', { text: t('timeline') }), timeline(reports),
      el('h2', { text: t('history') }), history(hist),
      el('p', {}, el('a', { href: `/collections/monuments/items/${id}?f=json`, download: `monument-${id}.geojson`, type: 'application/geo+json', text: t('download') }))].filter(Boolean));
    if (feature.geometry) {
      const m = L.map(mini, { zoomControl: true, scrollWheelZoom: false });
      m.attributionControl.setPrefix(false); // the base map's attribution, when it asks for one
      const shape = L.geoJSON(feature, {
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 8, color: '#1f3b57', weight: 2, fillColor: '#0b5cad', fillOpacity: 0.8 }),
      }).addTo(m);
      SP.tiles.layer('monuments', { className: 'monument-tiles' }).addTo(m);
      SP.tiles.base().then((b) => b.addTo(m));
      const b = shape.getBounds();
      if (b.isValid()) m.fitBounds(b, { maxZoom: 17 });
    }
  }

  async function start() {
    await SP.loadVocab();
    const feature = Number.isInteger(id) && id > 0 ? await api(`/collections/monuments/items/${id}`) : null;
    if (!feature) {
      root.replaceChildren(el('p', {}, el('a', { href: '/', text: t('back') })), el('h1', { text: t('not_found') }));
      document.body.dataset.ready = 'true';
      return;
    }
    const q = new URLSearchParams({ filter: `monument_id=${id}`, sortby: '-observed_on,-created_at', limit: '100' });
    const [ph, rep, hist] = await Promise.all([
      api(`/collections/monuments/items/${id}/photos`),
      api(`/collections/condition_reports/items?${q}`),
      api(`/collections/monuments/items/${id}/history`)]);
    data = { feature, photos: ph?.photos || [], reports: rep?.features || [], hist };
    render();
    SP.onLang(render);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
