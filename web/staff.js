// web/staff.js - what the department's pages share: the session (the token from
// POST /auth/login, kept in this tab's sessionStorage only, so closing the tab logs out of the
// browser), calls to the API with that token, the way back to /login when it is missing or
// expired, and the department's navigation bar. Loaded after i18n.js; adds SP.staff.
'use strict';
(() => {
  const KEY = 'spadok.session';

  function session() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch (e) { return null; }
  }

  function save(s) {
    try {
      if (s) sessionStorage.setItem(KEY, JSON.stringify(s)); else sessionStorage.removeItem(KEY);
    } catch (e) { /* storage refused: the session lasts as long as the page */ }
  }

  function toLogin() {
    save(null);
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`);
  }

  // The session, or off to /login (and null) when there is none.
  function require() {
    const s = session();
    if (!s || !s.token) { toLogin(); return null; }
    return s;
  }

  // fetch() with the token and JSON by default. A body that is a plain object is sent as JSON;
  // FormData and Blobs as they are. A 401 means the token is gone: back to the login page.
  async function api(path, opts = {}) {
    const s = session();
    const headers = { Accept: 'application/json', ...(opts.headers || {}) };
    if (s?.token) headers.Authorization = `Bearer ${s.token}`;
    let { body } = opts;
    if (body && !(body instanceof FormData) && !(body instanceof Blob) && typeof body === 'object') {
      body = JSON.stringify(body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(path, { ...opts, headers, body });
    if (res.status === 401 && s?.token) toLogin();
    return res;
  }

  // The message of an API error answer ({"code", "description"}), or the status line.
  async function errorText(res) {
    try {
      const j = await res.json();
      return j.description || j.code || `${res.status}`;
    } catch (e) {
      return `${res.status} ${res.statusText}`;
    }
  }

  async function logout() {
    const s = session();
    if (s?.token) await api('/auth/logout', { method: 'POST' }).catch(() => {});
    save(null);
    location.assign('/');
  }

  // The department's bar: sections, who is signed in, log out. `active` names the section.
  function nav(active) {
    const s = session();
    const { el, t } = SP;
    const link = (key, href) => el('a', { href, 'aria-current': key === active ? 'page' : null, 'data-i18n': key, text: t(key) });
    const who = el('span', { class: 'who' });
    const drawWho = () => { who.textContent = s ? `${t('signed_in_as')} ${s.login} (${t(`role_${s.role}`)})` : ''; };
    SP.start(drawWho);
    SP.onLang(drawWho);
    const out = el('button', { type: 'button', 'data-i18n': 'logout', text: t('logout') });
    out.addEventListener('click', logout);
    return el('nav', { class: 'dept-nav', 'aria-label': t('dept_nav'), 'data-i18n-aria': 'dept_nav' },
      link('nav_dashboard', '/department'), link('nav_moderation', '/department/moderation'),
      link('nav_conflicts', '/department/conflicts'),
      link('nav_map', '/'), el('span', { class: 'spacer' }), who, out);
  }

  SP.staff = { session, save, require, api, errorText, logout, nav, toLogin };
})();
