// web/credit.js - whose data a page shows, under which licences: the attribution line
// composed by the server from the data sets the registry holds (GET /datasets), never written
// in a page. The map puts it in Leaflet's attribution control (map.js); other public pages get
// it as their footer, with a link to the list of sources and licences.
'use strict';
(() => {
  const { el } = SP;
  SP.credit = fetch('/datasets', { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);

  function footer(data) {
    const f = el('footer', { class: 'credit' });
    const draw = () => {
      f.replaceChildren(`${SP.t('credit_data')}: ${data.attribution || '—'} · `,
        el('a', { href: '/datasets', text: SP.t('credit_sources') }));
    };
    draw();
    SP.onLang(draw);
    return f;
  }

  SP.start(async () => {
    if (document.body.classList.contains('map-page')) return;
    const data = await SP.credit;
    if (data) document.body.append(footer(data));
  });
})();
