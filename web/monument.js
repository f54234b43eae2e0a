// web/monument.js - a monument's page (/monuments/{id}): its public fields, a small map of
// its place or outline, the photo gallery (thumbnails opening the web copy; author, licence
// and alt text), the condition timeline (its reports, newest first), the public history of
// the record, and the record as GeoJSON to download. Everything comes from the public API.
'use strict';
(() => {
  const { t, label, name, el } = SP;
  const id = Number(location.pathname.split('/')[2]);
  const root = document.getElementById('monument');
  const api = (path) => fetch(path, { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
  let data = null;

  function facts(p) {
    const rows = [
      ['significance', label('significance', p.significance)],
      ['kind', (p.kinds || '').split(';').filter(Boolean).map((k) => label('kind', k)).join(', ')],
      ['condition', label('condition', p.condition)],
      ['dating', p.dating], ['address', p.address], ['district', p.district],
      ['protection_no', p.protection_no], ['last_inspected', p.last_inspected],
    ];
    return el('dl', { class: 'facts' }, ...rows.filter(([, v]) => v).flatMap(([k, v]) =>
      [el('dt', { text: t(k) }), el('dd', { text: v })]));
  }

  function gallery(photos) {
    if (!photos.length) return el('p', { text: t('no_photos') });
    return el('ul', { class: 'gallery' }, ...photos.map((ph) => {
      const alt = (SP.lang === 'en' ? ph.alt_en : ph.alt_uk) || ph.alt_uk || ph.alt_en ||
        (SP.lang === 'en' ? ph.caption_en : ph.caption_uk) || name(data.feature.properties);
      const caption = (SP.lang === 'en' ? ph.caption_en : ph.caption_uk) || '';
      // a citizen who gave no name is credited "anonymous" (stored so), said in the page's language
      const author = ph.author === 'anonymous' ? t('anonymous') : ph.author;
      const credit = [author && `${t('photo_by')}: ${author}`, ph.licence].filter(Boolean).join(' · ');
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
      if (p.damage_level) parts.push(label('damage_level', p.damage_level));
      return el('li', {}, el('time', { datetime: when, text: when }), ' — ', parts.join('; '),
        p.description ? el('p', { text: p.description }) : null);
    }));
  }

  function history(h) {
    return el('ol', { class: 'timeline' }, ...(h?.history || []).slice().reverse().map((row) =>
      el('li', {}, el('time', { datetime: row.at, text: row.at.slice(0, 16).replace('T', ' ') }),
        ` — ${row.action}, ${t('by')}: ${row.by}`,
        row.changes ? el('p', { text: Object.keys(row.changes).join(', ') }) : null)));
  }

  function render() {
    if (!data) return;
    const { feature, photos, reports, hist } = data;
    const p = feature.properties;
    const title = name(p);
    document.title = `${title} — ${t('brand')}`;
    const mini = el('div', { id: 'mini-map', role: 'region', 'aria-label': `${t('map_label')}: ${title}` });
    root.replaceChildren(
      el('p', {}, el('a', { href: '/', text: t('back') })),
      el('h1', { text: title }),
      (SP.lang === 'en' ? p.name_uk : p.name_en) ? el('p', { lang: SP.lang === 'en' ? 'uk' : 'en', text: SP.lang === 'en' ? p.name_uk : p.name_en }) : null,
      facts(p), el('p', {}, el('a', { href: `/report?monument=${id}`, text: t('report_damage') })), mini,
      el('h2', { text: t('photos') }), gallery(photos),
      el('h2', { text: t('timeline') }), timeline(reports),
      el('h2', { text: t('history') }), history(hist),
      el('p', {}, el('a', { href: `/collections/monuments/items/${id}?f=json`, download: `monument-${id}.geojson`, type: 'application/geo+json', text: t('download') })));
    if (feature.geometry) {
      const m = L.map(mini, { attributionControl: false, zoomControl: true, scrollWheelZoom: false });
      const shape = L.geoJSON(feature, {
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 8, color: '#1f3b57', weight: 2, fillColor: '#0b5cad', fillOpacity: 0.8 }),
      }).addTo(m);
      L.tileLayer(`/tiles/monuments/{z}/{x}/{y}{r}.png`, { maxZoom: 19 }).addTo(m);
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

  document.addEventListener('DOMContentLoaded', start);
})();
