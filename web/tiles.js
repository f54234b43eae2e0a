// web/tiles.js - Spadok's tile layers as every map of the pages uses them (the public map, a
// monument's page, the report form, the editor): their addresses carry the page's language
// (lang=, for the labels drawn) and follow it when it changes, and the base map under them is
// the remote one of `serve --basemap` when the server names one, else Spadok's own
// (/tiles/basemap/...), which works offline; and a first view where the registry's monuments
// are (TileJSON's center), never a city written in code. Loaded after i18n.js; adds SP.tiles.
'use strict';
(() => {
  const json = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const sets = json('/tiles').then((s) => s?.tilesets || []);
  // The monuments' TileJSON: their extent, and where most of them are (its center).
  const monuments = json('/tiles/monuments.json');
  let home = [48.4, 31.2, 6]; // [lat, lon, zoom]: Ukraine until the registry says otherwise
  const homeLoaded = monuments.then((tj) => {
    if (tj?.center) home = [tj.center[1], tj.center[0], tj.center[2]];
    return home;
  });
  const remote = sets.then((list) => {
    const base = list.find((s) => s.name === 'basemap');
    return base ? json(base.tilejson) : null;
  });

  // A tile layer's address: the page's language, then args (e.g. the map's filters).
  function url(name, args = {}) {
    const q = new URLSearchParams({ lang: SP.lang });
    for (const [k, v] of Object.entries(args)) if (v) q.set(k, v);
    return `/tiles/${name}/{z}/{x}/{y}{r}.png?${q}`;
  }

  // Spadok's layer `name` (args() gives its query, read again when the language changes).
  function layer(name, options = {}, args = () => ({})) {
    const l = L.tileLayer(url(name, args()), { maxZoom: 19, zIndex: 2, className: `${name}-tiles`, ...options });
    l.follow = () => l.setUrl(url(name, args()));
    SP.onLang(l.follow);
    return l;
  }

  // The base map (a promise of its layer), under every other layer.
  async function base(options = {}) {
    const tj = await remote;
    if (tj?.tiles?.length && !tj.tiles[0].includes('/tiles/basemap/'))
      return L.tileLayer(tj.tiles[0], { maxZoom: 19, attribution: tj.attribution, className: 'base-tiles', zIndex: 1, ...options });
    // Spadok's own: credited by the pages' credit line, which names every data set held.
    return layer('basemap', { className: 'base-tiles', zIndex: 1, ...options });
  }

  // SP.tiles.home: a promise of [lat, lon, zoom], a view where the monuments are;
  // SP.tiles.homeView: the same once known (Ukraine before).
  SP.tiles = { url, layer, base, sets, monuments, home: homeLoaded, get homeView() { return home; } };
})();
