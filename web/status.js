// web/status.js - a citizen follows a report by its reference number (/report/{ref}, linked
// from the receipt): GET /reports/{ref} says where it stands — received, under review,
// approved, not approved (with the reason written for the public) — shown as steps. The
// answer never holds the contact, the place or the photos' EXIF, so neither does the page.
'use strict';
(() => {
  const { t, el } = SP;

  SP.addWords({
    uk: {
      status_title: 'Стан повідомлення', title_status: 'Стан повідомлення — Спадок',
      ref_is: 'Номер звернення:', loading: 'Завантаження…',
      st_received: 'Отримано', st_under_review: 'На розгляді', st_approved: 'Схвалено',
      st_not_approved: 'Не схвалено', st_decision: 'Рішення',
      st_received_text: 'Повідомлення отримано; редактор департаменту ще його не розглядав.',
      st_under_review_text: 'Редактор департаменту розглядає повідомлення.',
      st_approved_text: 'Повідомлення схвалено: воно є в історії стану пам’ятки.',
      st_not_approved_text: 'Редактор департаменту розглянув повідомлення й не схвалив його.',
      reason: 'Причина:', received_on: 'Надіслано', decided_on: 'Рішення ухвалено',
      photos_n: 'Фото:', to_monument: 'Сторінка пам’ятки', now: 'зараз',
      no_such_ref: 'Повідомлення з таким номером не знайдено. Перевірте номер у квитанції.',
      err_network: 'Не вдалося зв’язатися із сервером. Спробуйте ще раз трохи згодом.',
      privacy_note: 'Тут не показано ваш контакт, місце чи дані фото: їх бачать лише працівники департаменту.',
      another: 'Надіслати нове повідомлення',
    },
    en: {
      status_title: 'Report status', title_status: 'Report status — Spadok',
      ref_is: 'Reference number:', loading: 'Loading…',
      st_received: 'Received', st_under_review: 'Under review', st_approved: 'Approved',
      st_not_approved: 'Not approved', st_decision: 'Decision',
      st_received_text: 'The report is received; no editor of the department has taken it up yet.',
      st_under_review_text: 'An editor of the department is reviewing the report.',
      st_approved_text: 'The report is approved: it is in the monument’s condition timeline.',
      st_not_approved_text: 'An editor of the department reviewed the report and did not approve it.',
      reason: 'Reason:', received_on: 'Sent', decided_on: 'Decided',
      photos_n: 'Photos:', to_monument: 'The monument’s page', now: 'now',
      no_such_ref: 'No report has this reference number. Check the number on your receipt.',
      err_network: 'The server could not be reached. Please try again a little later.',
      privacy_note: 'Your contact, the place and the photos’ data are not shown here: only the department’s staff see them.',
      another: 'Send a new report',
    },
  });

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
    const again = el('p', {}, el('a', { href: '/report', text: t('another') }));
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
      facts.push(el('p', { id: 'reason' }, `${t('reason')} `, el('span', { text: s.public_reason })));
    const dates = [el('dt', { text: t('received_on') }), el('dd', { text: s.received_on })];
    if (s.decided_on) dates.push(el('dt', { text: t('decided_on') }), el('dd', { text: s.decided_on }));
    if (s.photos) dates.push(el('dt', { text: t('photos_n') }), el('dd', { text: String(s.photos) }));
    facts.push(steps(s), el('dl', { class: 'facts' }, ...dates));
    if (s.monument_id) facts.push(el('p', {}, el('a', { href: `/monuments/${s.monument_id}`, text: t('to_monument') })));
    facts.push(el('p', { class: 'hint', text: t('privacy_note') }), again);
    box.replaceChildren(...facts);
  }

  async function start() {
    draw();
    try {
      const res = await fetch(`/reports/${encodeURIComponent(ref)}`, { headers: { Accept: 'application/json' } });
      answer = res.ok ? { body: await res.json() } : { error: res.status === 404 ? 'no_such_ref' : 'err_network' };
    } catch (e) {
      answer = { error: 'err_network' };
    }
    draw();
    SP.onLang(draw);
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
