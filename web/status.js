// web/status.js - a citizen follows a report by its reference number (/report/{ref}, linked
// from the receipt): GET /reports/{ref} says where it stands — received, under review,
// approved, not approved (with the reason written for the public) — shown as steps. The
// answer never holds the contact, the place or the photos' EXIF, so neither does the page.
'use strict';
(() => {
  const { t, el } = SP;


  const ref = decodeURIComponent(location.pathname.replace(/^\/report\//, '').replace(/\/$/, ''));
  let answer = null; // {status, body} or {error}

  function steps(s) {
    const decided = s.status === 'approved' || s.status === 'not_approved';
    const order = ['received', 'under_review', decided ? s.status : 'decision'];
    const at = order.indexOf(s.status);
    return el('ol', { class: 'steps' }, ...order.map((k, i) => el('li', {
      class: i < at ? 'done' : i === at ? 'current' : 'todo',
      'aria-current': i === at ? 'step' : null,
    }, k === 'decision' ? t('st_decision') : t(`st_${k}`), i === at ? el('span', { class: 'visually-hidden', text: ` (${t('now')})` }) : null)));
  }

  function draw() {
    document.title = t('title_status');
    const box = document.getElementById('status');
    if (!answer) { box.replaceChildren(el('p', { text: t('loading') })); return; }
    const again = el('p', {}, el('a', { href: '/report', text: t('status_another') }));
    if (answer.error) {
      box.replaceChildren(el('div', { class: 'status error' }, el('p', { text: t(answer.error) })),
        el('p', { class: 'ref-line' }, `${t('ref_is')} `, el('strong', { class: 'ref', text: ref })), again);
      return;
    }
    const s = answer.body;
    const facts = [el('p', { class: 'ref-line' }, `${t('ref_is')} `, el('strong', { class: 'ref', id: 'ref', text: s.ref }))];
    facts.push(el('p', { id: 'state', class: `status ${s.status === 'not_approved' ? 'error' : 'ok'}` },
      el('strong', { text: t(`st_${s.status}`) }), ` — ${t(`st_${s.status}_text`)}`));
    if (s.status === 'not_approved' && s.public_reason)
      facts.push(el('p', { id: 'reason' }, `${t('status_reason')} `, el('span', { text: s.public_reason })));
    const dates = [el('dt', { text: t('received_on') }), el('dd', { text: s.received_on })];
    if (s.decided_on) dates.push(el('dt', { text: t('decided_on') }), el('dd', { text: s.decided_on }));
    if (s.photos) dates.push(el('dt', { text: t('status_photos_n') }), el('dd', { text: String(s.photos) }));
    facts.push(steps(s), el('dl', { class: 'facts' }, ...dates));
    if (s.monument_id) facts.push(el('p', {}, el('a', { href: `/monuments/${s.monument_id}`, text: t('to_monument') })));
    facts.push(el('p', { class: 'hint', text: t('privacy_note') }), again);
    box.replaceChildren(...facts);
  }

  async function start() {
    draw();
    try {
      const res = await fetch(`/reports/${encodeURIComponent(ref)}`, { headers: { Accept: 'application/json' } });
      answer = res.ok ? { body: await res.json() } : { error: res.status === 404 ? 'no_such_ref' : 'status_err_network' };
    } catch (e) {
      answer = { error: 'status_err_network' };
    }
    draw();
    SP.onLang(draw);
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
