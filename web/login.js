// web/login.js - the department's sign-in (/login?next=PATH): login and password to
// POST /auth/login, the session kept by SP.staff.save (staff.js), then on to `next` when it is
// a path of this site (never another origin), else /department. A refusal is shown as the
// server words it; too many attempts (429) ask to wait a minute.
'use strict';
(() => {
  const { t, el } = SP;

  const $ = (id) => document.getElementById(id);
  let shown = null; // {key, detail}: redrawn in the other language

  // Where to go after signing in: a path on this site only (not //host, not /\host).
  function next() {
    const n = new URLSearchParams(location.search).get('next');
    if (!n || !n.startsWith('/') || n.startsWith('//') || n.startsWith('/\\')) return '/department';
    try {
      const u = new URL(n, location.origin);
      if (u.origin !== location.origin) return '/department';
      if (u.pathname === '/login') return '/department';
      return u.pathname + u.search + u.hash;
    } catch (e) { return '/department'; }
  }

  function draw() {
    const box = $('login-error');
    if (!shown) { box.className = 'form-alert'; box.replaceChildren(); return; }
    box.className = 'form-alert status error';
    // The server's own words beside ours, unless they say the same thing.
    const same = shown.detail && t(shown.key).toLowerCase().startsWith(shown.detail.toLowerCase());
    box.replaceChildren(el('p', { text: t(shown.key) }));
    if (shown.detail && !same)
      box.append(el('p', { class: 'detail' }, `${t('server_said')} `, el('span', { lang: 'en', text: shown.detail })));
  }

  function fail(key, detail = null, field = null) {
    shown = { key, detail };
    draw();
    for (const id of ['login', 'password']) $(id).setAttribute('aria-invalid', 'true');
    (field || $('password')).focus();
  }

  async function submit(ev) {
    ev.preventDefault();
    const login = $('login').value.trim();
    const password = $('password').value;
    if (!login || !password) return fail('err_login_empty', null, login ? $('password') : $('login'));
    const button = $('submit');
    button.disabled = true;
    button.textContent = t('signing_in');
    let res = null;
    let body = null;
    try {
      res = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ login, password }),
      });
      body = await res.json().catch(() => null);
    } catch (e) { res = null; }
    button.disabled = false;
    button.textContent = t('sign_in');
    if (res?.ok && body?.token) {
      SP.staff.save({ token: body.token, expires: body.expires, login: body.login, role: body.role });
      location.assign(next());
      return;
    }
    $('password').value = '';
    if (!res) return fail('err_login_network');
    const detail = body?.description || `${res.status} ${res.statusText}`;
    if (res.status === 429) return fail('err_login_wait', detail);
    if (res.status === 401) return fail('err_login_wrong', detail);
    return fail('err_login_other', detail);
  }

  function start() {
    const redraw = () => { document.title = t('title_login'); draw(); };
    $('login-form').addEventListener('submit', submit);
    for (const id of ['login', 'password'])
      $(id).addEventListener('input', () => { $('login').removeAttribute('aria-invalid'); $('password').removeAttribute('aria-invalid'); });
    redraw();
    SP.onLang(redraw);
    $('login').focus();
    document.body.dataset.ready = 'true';
  }

  SP.start(start);
})();
