/* sarhad dashboard. No framework, no outside requests: every call goes to this origin with the bearer token. */
(function () {
  "use strict";
  const TOKEN_KEY = "sarhad.token";
  // A party's colour follows from its code alone, never from the order the page met the parties in: PK is the
  // same on every node, every day, and in the map, the timeline, the legend and the table. The framework's
  // parties and the datasets sarhad imports have fixed colours; any other code gets a hue computed from it.
  const PARTY_COLOURS = { PK: "#5fd39a", IR: "#5aa9e6", ACLED: "#e5a54b", UCDP: "#c792ea", GTD: "#f2d17b" };
  const PERP_COLOURS = ["#ff7a6b", "#e5a54b", "#c792ea", "#5aa9e6", "#5fd39a", "#f2d17b", "#7fd1d8", "#ff9ecf", "#b8c4d0"];
  // Coloured by perpetrator, a marker's shape is a second channel: nine colours times four shapes tell 36 groups
  // apart. The filter list's first 36 groups keep their colour and shape in every view; a group further down takes
  // a pair no other group of the view has, and past 36 groups in one view the rest are "other groups" (the legend
  // says how many). No two groups drawn at once share a colour and a shape.
  const SHAPES = ["circle", "square", "triangle", "diamond"];
  const NO_GROUP = { colour: "#8a97a5", shape: "circle" };
  const OTHER_GROUPS = { colour: "#8a97a5", shape: "square" };
  const state = { token: sessionStorage.getItem(TOKEN_KEY), me: null, offset: 0, limit: 25, selected: null,
    measure: "incidents", colourBy: "party", parties: new Set(), perps: [], viewStyles: new Map(), months: [], years: [], live: null, loads: 0,
    fresh: new Set(), withheld: new Set(), held: null, perpGroups: new Map(), groupOf: new Map(), drawn: [], linked: false, optionsReady: Promise.resolve(), pageFromLink: null, notApplied: [],
    lastId: null, alertsSeq: null };
  const $ = (sel) => document.querySelector(sel);
  const esc = (v) => String(v == null ? "" : v).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const fmt = new Intl.NumberFormat("en");
  // An incident's date as exactly as it is known: the rule of `sarhad incidents list` (shown_date in
  // sarhad/_internal/dates.py), so the page and the CLI show one date alike. A date known only to the year spans
  // its whole years and one known to the month its whole months, whichever days the source gave; the range is
  // then written in its shortest exact form: "2008" for a whole year, "2008-03" for a whole month, "2008-03-14"
  // for a day, else "first..last" (years, months or days).
  const pad = (n, width) => String(n).padStart(width, "0");
  const leap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthEnd = (y, m) => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  function shownDate(start, end, precision) {
    if (!start) return "";
    let [y1, m1, d1] = start.slice(0, 10).split("-").map(Number);
    let [y2, m2, d2] = (end || start).slice(0, 10).split("-").map(Number);
    if (precision === "year") { m1 = 1; d1 = 1; m2 = 12; d2 = 31; }
    else if (precision === "month") { d1 = 1; d2 = monthEnd(y2, m2); }
    const span = (a, b) => (a === b ? a : `${a}..${b}`);
    if (m1 === 1 && d1 === 1 && m2 === 12 && d2 === 31) return span(pad(y1, 4), pad(y2, 4));
    if (d1 === 1 && d2 === monthEnd(y2, m2)) return span(`${pad(y1, 4)}-${pad(m1, 2)}`, `${pad(y2, 4)}-${pad(m2, 2)}`);
    return span(`${pad(y1, 4)}-${pad(m1, 2)}-${pad(d1, 2)}`, `${pad(y2, 4)}-${pad(m2, 2)}-${pad(d2, 2)}`);
  }
  // A row's date (an incident, a version, a cluster's report, an alert's incident): the server sends date_end and
  // date_precision with every date_start.
  const dateOf = (row) => shownDate(row.date_start, row.date_end, row.date_precision);
  window.sarhadReady = false;
  window.sarhadEvents = [];

  // -- API ---------------------------------------------------------------------------------------------
  async function api(path, opts) {
    const res = await fetch(path, Object.assign({ headers: { Authorization: "Bearer " + state.token, "Content-Type": "application/json" } }, opts || {}));
    const body = await res.json().catch(() => ({}));
    const why = (body.error && body.error.message) || res.statusText;
    if (res.status === 401) { logout(sessionEnded(why)); throw new Error(why); }
    if (!res.ok) throw new Error(why);
    return body;
  }
  // The server says why it refused the token (expired when, revoked, unknown): an analyst can then tell a
  // token to renew from one mistyped.
  function sessionEnded(why) { return `Your session has ended: ${why}. Sign in again.`; }
  function filterQuery(extra) {
    const p = new URLSearchParams();
    for (const el of $("#filters").elements) {
      if (el.name && el.name !== "colour" && el.value) p.set(el.name, el.value);
    }
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p.toString();
  }

  // A From after To is a window that holds no day, which the server refuses (400 naming since). Whether the fields
  // were set so by hand or by a link, the page says so (where the totals are, in the table and under the
  // timeline; both fields marked invalid) and asks the server nothing that depends on the filters (the totals,
  // timeline, table, markers, joint picture) until one of the two changes: each loader asks windowHoldsNoDay()
  // first. A link's dates are kept as the link gives them, not swapped: the reader sees what it asked, and which
  // of the two to change is theirs to say.
  function emptyWindow() {
    const since = $("#f-since").value, until = $("#f-until").value;
    return since && until && since > until ? { since, until } : null;
  }
  function windowHoldsNoDay() {
    const w = emptyWindow();
    for (const sel of ["#f-since", "#f-until"]) {
      if (w) $(sel).setAttribute("aria-invalid", "true"); else $(sel).removeAttribute("aria-invalid");
    }
    if (!w) return false;
    $("#kpis").innerHTML = `<span class="kpi window-empty" data-testid="window-empty"><b>From ${esc(w.since)} is after To ${esc(w.until)}</b><span>no day between them: change either date</span></span>`;
    return true;
  }
  const NO_DAY = `<td class="muted" data-testid="window-empty-rows">No day is both on or after From and on or before To: change either date.</td>`;

  // -- login -------------------------------------------------------------------------------------------
  function logout(msg) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    if (state.live) state.live.abort();
    state.live = null;
    setLive("off", "offline");
    clearSession();
    $("#login").hidden = false; $("#app").hidden = true; $("#filters").hidden = true; $("#foot").hidden = true;
    $("#logout").hidden = true; $("#whoami").textContent = "";
    $("#login-msg").textContent = msg || "";
    $("#token").focus();
  }
  // Whoever signs in next in this tab sees nothing of the session that ended: its records, filter lists,
  // detail, alerts and panels are taken out of the page, and start() loads the new principal's.
  const EMPTY_DETAIL = $("#detail").innerHTML;
  function clearSession() {
    delete document.documentElement.dataset.ready;
    window.sarhadReady = false;
    state.offset = 0; state.selected = null; state.months = []; state.fresh.clear(); state.parties.clear();
    state.years = []; drawTimelineYears();
    state.linked = false; state.drawn = []; state.pageFromLink = null; state.held = null;
    state.lastId = null; state.alertsSeq = null;
    showNotApplied([]);
    for (const sel of ["#f-country", "#f-admin1", "#f-perpetrator", "#f-party"]) { while ($(sel).options.length > 1) $(sel).remove(1); }
    for (const el of $("#filters").elements) { if (el.name && el.name !== "colour") el.value = ""; }
    if (map) { markerLayer.clearLayers(); liveLayer.clearLayers(); }
    $("#incidents tbody").innerHTML = "";
    for (const sel of ["#table-total", "#page-label", "#kpis", "#timeline", "#rule-list", "#rule-msg", "#log", "#framework", "#toasts"]) $(sel).innerHTML = "";
    $("#alert-list").innerHTML = "";
    $("#alert-count").textContent = "0";
    $("#detail").innerHTML = EMPTY_DETAIL;
    $("#report-open").hidden = true;
    clearReport();
  }
  $("#login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    state.token = $("#token").value.trim();
    try {
      state.me = await api("/api/dashboard/whoami");
    } catch (e) { $("#login-msg").textContent = `That token was not accepted: ${e.message}.`; return; }
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $("#token").value = "";
    start();
  });
  $("#logout").addEventListener("click", () => logout(""));

  // -- map ---------------------------------------------------------------------------------------------
  let map, markerLayer, liveLayer;
  const HOME = { center: [28.2, 63.0], zoom: 6 };
  function partyColour(code) {
    if (!code) return "#8a97a5";
    state.parties.add(code);  // for the legend
    if (Object.hasOwn(PARTY_COLOURS, code)) return PARTY_COLOURS[code];
    let hash = 0;
    for (const ch of String(code)) hash = (Math.imul(hash, 31) + ch.codePointAt(0)) >>> 0;
    return `hsl(${hash % 360}, 60%, 68%)`;  // light enough to read on the dark panels
  }
  // The group a row's perpetrator stands for: the alias registry's name, which the server sends with each row
  // (perpetrator_group) and the filter list groups the spellings under; 'BLA' and 'Baloch Liberation Army' are
  // one group, with one colour and one legend entry.
  function groupOf(row) {
    if (!row.perpetrator) return null;
    return row.perpetrator_group || state.groupOf.get(row.perpetrator) || row.perpetrator;
  }
  function styleAt(i) { return { colour: PERP_COLOURS[i % PERP_COLOURS.length], shape: SHAPES[Math.floor(i / PERP_COLOURS.length)] }; }
  // A group's colour and shape in the view drawn (state.viewStyles, made again with each drawing): its own pair
  // while no other group of the view has it, else the first pair none has, else "other groups".
  function groupStyle(g) {
    const known = state.viewStyles.get(g);
    if (known) return known;
    let i = state.perps.indexOf(g);
    if (i < 0) { state.perps.push(g); i = state.perps.length - 1; }
    const pairs = PERP_COLOURS.length * SHAPES.length;
    const used = new Set([...state.viewStyles.values()].map((s) => s.colour + " " + s.shape));
    const free = (k) => !used.has(styleAt(k).colour + " " + styleAt(k).shape);
    let j = i < pairs && free(i) ? i : -1;
    for (let k = 0; j < 0 && k < pairs; k++) if (free(k)) j = k;
    const style = j < 0 ? OTHER_GROUPS : styleAt(j);
    state.viewStyles.set(g, style);
    return style;
  }
  // The groups of a drawing, in the filter list's order: the first 36 take their own pairs before any other asks.
  function assignStyles(rows) {
    state.viewStyles = new Map();
    const groups = [...new Set(rows.map(groupOf).filter(Boolean))];
    for (const g of groups) if (!state.perps.includes(g)) state.perps.push(g);
    groups.sort((a, b) => state.perps.indexOf(a) - state.perps.indexOf(b)).forEach(groupStyle);
  }
  function styleOf(row) {
    if (state.colourBy === "perpetrator") { const g = groupOf(row); return g ? groupStyle(g) : NO_GROUP; }
    return { colour: partyColour(row.reported_by || row.party), shape: "circle" };
  }
  function colourOf(row) { return styleOf(row).colour; }
  function styleFor(name) {
    const n = name.toLowerCase();
    if (/band|buffer/.test(n)) return { color: "#ff6b57", weight: 1, dashArray: "4 4", opacity: .5, fillColor: "#ff6b57", fillOpacity: .08 };
    if (/border|line/.test(n)) return { color: "#ff6b57", weight: 2.2, opacity: .95, fill: false };
    if (/prov|admin/.test(n)) return { color: "#3a4d61", weight: .8, dashArray: "3 3", fillOpacity: 0 };
    return { color: "#405468", weight: 1, fillColor: "#16202b", fillOpacity: 1 };
  }
  function order(name) {
    const n = name.toLowerCase();
    return /countr/.test(n) ? 0 : /prov|admin/.test(n) ? 1 : /band|buffer/.test(n) ? 2 : /border|line/.test(n) ? 3 : /cross/.test(n) ? 5 : 4;
  }
  let layersControl, incidentRenderer;
  // An incident's marker, a circle or (coloured by perpetrator) a square, a triangle or a diamond of the same size.
  function shapePath(shape, p, r) {
    const { x, y } = p;
    if (shape === "square") { const a = Math.round(r * .9); return `M${x - a} ${y - a}h${2 * a}v${2 * a}h${-2 * a}z`; }
    if (shape === "triangle") { const h = Math.round(r * 1.15); return `M${x} ${y - h}L${x + h} ${y + Math.round(h * .8)}L${x - h} ${y + Math.round(h * .8)}z`; }
    return `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}z`;  // diamond
  }
  const IncidentMarker = L.CircleMarker.extend({
    _updatePath() {
      const shape = this.options.shape;
      if (!shape || shape === "circle" || !this._renderer._setPath) { L.CircleMarker.prototype._updatePath.call(this); return; }
      this._renderer._setPath(this, this._empty() ? "M0 0" : shapePath(shape, this._point.round(), Math.max(Math.round(this._radius), 1)));
    },
  });
  function initMap() {
    map = L.map("map", { zoomControl: true, attributionControl: true, preferCanvas: true, minZoom: 3, maxZoom: 13, keyboard: true })
      .setView(HOME.center, HOME.zoom);
    map.attributionControl.setPrefix("Leaflet");
    // The GeoJSON layers draw in their own pane, under the incidents, whenever they arrive.
    map.createPane("base").style.zIndex = 350;
    // The incidents' markers are SVG elements in a pane of their own, over the layers (the crossings' canvas
    // included): each is an element that Tab reaches and a screen reader names, where a canvas holds none.
    map.createPane("incidents").style.zIndex = 450;
    incidentRenderer = L.svg({ pane: "incidents" });
    markerLayer = L.layerGroup().addTo(map);
    liveLayer = L.layerGroup().addTo(map);
    layersControl = L.control.layers(null, { incidents: markerLayer, live: liveLayer }, { collapsed: true, position: "topright" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    map.on("moveend", debounce(loadMarkers, 200));
    map.on("moveend", writeLink);
    // The legend lies over the map and lets clicks through to the markers under it (see the CSS); it fades while
    // the pointer is over it, so that what a click there reaches can be seen.
    map.on("mousemove", (e) => {
      const r = $("#legend").getBoundingClientRect();
      const { clientX: x, clientY: y } = e.originalEvent;
      $("#legend").classList.toggle("see-through", r.width > 0 && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
    });
    map.on("mouseout", () => $("#legend").classList.remove("see-through"));
  }
  // Escape closes the layers list opened by a click, a hover or Enter; the keyboard's place, if it was in the
  // list, goes back to the list's button.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !layersControl) return;
    const box = layersControl.getContainer();
    if (!box.classList.contains("leaflet-control-layers-expanded")) return;
    const within = box.contains(document.activeElement);
    layersControl.collapse();
    if (within) box.querySelector(".leaflet-control-layers-toggle").focus();
  });
  async function loadLayers() {
    const layers = await api("/api/dashboard/layers");
    map.attributionControl.addAttribution(esc(layers.attribution || "© OpenStreetMap contributors; Natural Earth"));
    const names = Object.keys(layers).filter((k) => layers[k] && layers[k].type === "FeatureCollection").sort((a, b) => order(a) - order(b));
    for (const name of names) {
      let layer;
      if (/cross/i.test(name)) {
        // The crossings share the incidents' canvas: a canvas drawn over it (a pane of their own) would take
        // every click, and no incident's marker could be opened.
        layer = L.geoJSON(layers[name], { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 5, color: "#0b1118", weight: 1.5, fillColor: "#f2d17b", fillOpacity: 1 })
          .bindTooltip(esc((f.properties && f.properties.name) || "crossing") + " crossing") });
      } else {
        layer = L.geoJSON(layers[name], { pane: "base", style: () => styleFor(name), interactive: false });
      }
      layer.addTo(map);
      layersControl.addOverlay(layer, name.replace(/_/g, " "));
    }
    $("#map").dataset.layers = names.join(",");
  }
  function radiusFor(killed) { return 4 + Math.min(16, Math.sqrt(killed || 0) * 2.2); }
  function popup(row) {
    return `<b>${esc(row.place || row.admin2 || row.admin1 || "Unknown place")}</b><br>${esc(dateOf(row))} · ${esc(row.reported_by)}<br>` +
      `${esc(row.perpetrator || "perpetrator unknown")}<br>killed ${row.killed_best == null ? "unknown" : killedShown(row)}`;
  }
  // An incident's marker. Incidents geocoded to a town or a district's seat share its point, so their markers lie
  // on one another and a click reaches only the top one: a click where several lie lists every incident under it
  // (each entry opens its own), and a click on a marker alone opens its popup and its incident as before.
  // Each is a button for the keyboard: Tab reaches it, Enter or Space opens it as a click does, and its name says
  // which incident it is.
  function pointMarker(row, style) {
    const className = ["incident", style.className].filter(Boolean).join(" ");
    const m = new IncidentMarker([row.lat, row.lon], Object.assign({}, style, { className, renderer: incidentRenderer, pane: "incidents" }))
      .on("click", onPoint);
    m.sarhadRow = row;
    m.on("add", () => {
      const el = m.getElement();
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", markerName(row));
      el.dataset.id = row.id;
      // An <svg> is an image to a screen reader, whose parts it does not name: the markers' one is a group.
      const svg = el.ownerSVGElement;
      if (svg && svg.getAttribute("role") !== "group") { svg.setAttribute("role", "group"); svg.setAttribute("aria-label", "Incidents on the map"); }
      el.addEventListener("keydown", (e) => {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        const latlng = m.getLatLng();
        onPoint({ target: m, latlng, containerPoint: map.latLngToContainerPoint(latlng) });
      });
    });
    return m;
  }
  function markerName(row) {
    const killed = killedWords(row);
    return `${dateOf(row)}, ${row.place || row.admin2 || row.admin1 || "unknown place"}, killed ${killed}`;
  }
  function onPoint(e) {
    if (pickedAt(e)) return;
    const here = incidentsUnder(e.containerPoint);
    const row = e.target.sarhadRow;
    if (here.length < 2) {
      L.popup().setLatLng(e.latlng).setContent(popup(row)).openOn(map);
      showDetail(row.id);
      return;
    }
    L.popup({ maxHeight: 260, minWidth: 240, maxWidth: 380, className: "spot" }).setLatLng(e.target.getLatLng()).setContent(spotList(here)).openOn(map);
  }
  // The incidents whose drawn circle holds the point clicked (what the canvas hit, and what lies under it), the
  // incidents and live layers both, each once (a live marker and the marker read again since are one incident);
  // newest first, as the table lists them. One pass over the markers drawn: a click on 1,500 costs nothing.
  function incidentsUnder(at) {
    const seen = new Map();
    for (const group of [liveLayer, markerLayer]) {
      if (!map.hasLayer(group)) continue;
      group.eachLayer((m) => {
        if (!m.sarhadRow || seen.has(m.sarhadRow.id)) return;
        const reach = m.getRadius() + (m.options.weight || 0) / 2 + 1;
        if (map.latLngToContainerPoint(m.getLatLng()).distanceTo(at) <= reach) seen.set(m.sarhadRow.id, m.sarhadRow);
      });
    }
    return [...seen.values()].sort((a, b) => (b.date_start || "").localeCompare(a.date_start || "") || a.id.localeCompare(b.id));
  }
  function spotEntry(row) {
    const killed = killedWords(row);
    return [dateOf(row), row.place || row.admin2 || row.admin1 || "Unknown place", row.reported_by, row.perpetrator || "perpetrator unknown", `killed ${killed}`].join(" · ");
  }
  // Buttons, so that Tab reaches each entry and Enter or Space opens it; the list stays open for the next.
  function spotList(rows) {
    const box = document.createElement("div");
    box.innerHTML = `<p class="spot-head">${rows.length} incidents here</p><ul class="spot-list"></ul>`;
    const list = box.querySelector("ul");
    for (const row of rows) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.id = row.id;
      b.textContent = spotEntry(row);
      b.addEventListener("click", () => {
        for (const other of list.querySelectorAll("button")) other.removeAttribute("aria-current");
        b.setAttribute("aria-current", "true");
        showDetail(row.id);
        revealDetail();
      });
      const li = document.createElement("li");
      li.append(b);
      list.append(li);
    }
    return box;
  }
  function markersQuery() {
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(3)).join(",");
    return filterQuery({ zoom: map.getZoom(), bbox });
  }
  // Each loader shows its answer only if the filters (and the view or page) it asked for are still the page's:
  // a slow answer to filters since changed would otherwise replace the newer one.
  async function loadMarkers() {
    if (windowHoldsNoDay()) {
      markerLayer.clearLayers();
      state.drawn = [];
      $("#map").dataset.markers = "0";
      renderLegend();
      return;
    }
    const query = markersQuery();
    const data = await api("/api/dashboard/markers?" + query);
    // The groups' colours follow the filter list's order (most incidents first), not the order markers arrive in.
    if (state.colourBy === "perpetrator") await state.optionsReady.catch(() => null);
    if (query !== markersQuery()) return;
    markerLayer.clearLayers();
    state.drawn = [];
    state.viewStyles = new Map();
    if (data.mode === "points") {
      if (state.colourBy === "perpetrator") assignStyles(data.points);
      for (const row of data.points) {
        const { colour, shape } = styleOf(row);
        state.drawn.push({ id: row.id, party: row.reported_by, perpetrator: row.perpetrator, group: groupOf(row), colour, shape });
        pointMarker(row, { radius: radiusFor(row.killed_best), color: "#0b1118", weight: 1, fillColor: colour, fillOpacity: .85, shape }).addTo(markerLayer);
      }
    } else {
      for (const c of data.clusters) {
        const size = Math.round(22 + Math.min(34, Math.log10(c.count + 1) * 12));
        const colour = state.colourBy === "party" ? partyColour(c.party) : "#b8c4d0";
        const icon = L.divIcon({ className: "", iconSize: [size, size],
          html: `<div class="cluster" style="width:${size}px;height:${size}px;background:${colour}">${c.count >= 1000 ? Math.round(c.count / 1000) + "k" : c.count}</div>` });
        const title = `${c.count} incidents, ${clusterKilled(c)}`;
        state.drawn.push({ cluster: true, lat: c.lat, lon: c.lon, count: c.count, killed: c.killed, killed_known: c.killed_known, party: c.party, title });
        L.marker([c.lat, c.lon], { icon, keyboard: false, title })
          .on("click", (e) => { if (!pickedAt(e)) map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 13)); }).addTo(markerLayer);
      }
    }
    $("#map").dataset.markers = String(data.mode === "points" ? data.points.length : data.clusters.length);
    $("#map").dataset.mode = data.mode;
    renderLegend();
  }
  // A cluster none of whose incidents gives a killed figure has killed unknown, not 0 killed; one where only some
  // do says of how many, as the timeline does ("killed unknown (2 incidents, none gives a figure)").
  function clusterKilled(c) {
    if (!c.killed_known) return "killed unknown";
    const killed = `${c.killed} killed`;
    return c.killed_known < c.count ? `${killed} (${c.killed_known} of ${c.count} give a figure)` : killed;
  }
  // By perpetrator, the legend names each group drawn on the map once (or, with clusters drawn, the groups with
  // the most incidents), in the colour its markers have: data-group and data-colour say which, for tests.
  function swatch(style) { return `<span class="sw ${style.shape}" style="background:${esc(style.colour)}"></span>`; }
  function legendRows() {
    if (state.colourBy === "party") {
      return [...state.parties].sort().map((p) => `<div class="row" data-party="${esc(p)}"><span class="sw" style="background:${partyColour(p)}"></span>${esc(p)}</div>`);
    }
    const row = (g, style, label) =>
      `<div class="row" data-group="${esc(g)}" data-colour="${esc(style.colour)}" data-shape="${style.shape}">${swatch(style)}${esc(label)}</div>`;
    const drawn = state.drawn.filter((m) => !m.cluster);
    if (!drawn.length) return state.perps.slice(0, PERP_COLOURS.length).map((g, i) => row(g, styleAt(i), g));
    const groups = [...new Set(drawn.map((m) => m.group).filter(Boolean))].sort((a, b) => state.perps.indexOf(a) - state.perps.indexOf(b));
    const named = groups.filter((g) => state.viewStyles.get(g) !== OTHER_GROUPS);
    const rows = named.map((g) => row(g, state.viewStyles.get(g), g));
    const others = groups.length - named.length;
    if (others) rows.push(row("", OTHER_GROUPS, `${fmt.format(others)} other groups`));
    if (drawn.some((m) => !m.group)) rows.push(row("", NO_GROUP, "perpetrator unknown"));
    return rows;
  }
  function renderLegend() {
    const byParty = state.colourBy === "party";
    $("#legend").innerHTML = `<h3>${byParty ? "Reported by" : "Perpetrator"}</h3><div class="groups">` + legendRows().join("") + "</div>" +
      `<h3 style="margin-top:6px">Map</h3><div class="row"><span class="line"></span>Pakistan–Iran border</div>` +
      `<div class="row"><span class="band"></span>Near-border band</div><div class="row"><span class="cross"></span>Official crossing</div>` +
      `<div class="row muted">Marker size: killed · numbers: clusters</div>`;
    // Many groups: two columns of them; a legend still too long for the map can be scrolled, and takes the
    // pointer for that (see the CSS).
    const legend = $("#legend");
    legend.classList.toggle("wide", legend.querySelectorAll(".row[data-group]").length > 8);
    legendScrolls();
  }
  function legendScrolls() { const legend = $("#legend"); legend.classList.toggle("scrolls", legend.scrollHeight > legend.clientHeight + 1); }

  // In a narrow window the legend would cover most of the map: it folds behind a button there (see the CSS).
  $("#legend-toggle").addEventListener("click", () => {
    const open = $("#legend").classList.toggle("open");
    $("#legend-toggle").setAttribute("aria-expanded", String(open));
    legendScrolls();
  });

  // -- timeline (hand-made SVG) -----------------------------------------------------------------------------
  async function loadTimeline() {
    if (windowHoldsNoDay()) {
      state.months = []; state.years = [];
      drawTimelineYears();
      $("#timeline").innerHTML = `<p class="empty">No day between From and To.</p>`;
      return;
    }
    const query = filterQuery();
    const data = await api("/api/dashboard/timeline?" + query);
    if (query !== filterQuery()) return;
    state.months = data.months;
    state.years = data.years || [];
    drawTimeline();
    drawTimelineYears();
  }
  // An incident whose date is known only to the year (GTD's imonth 0, UCDP's date_prec 5) is in no month: the
  // API counts it apart, per year (`years`), and the note under the bars says how many each year had.
  function drawTimelineYears() {
    const el = $("#timeline-years");
    const per = new Map();
    for (const r of state.years) {
      const y = per.get(r.year) || { incidents: 0, killed: 0, known: 0 };
      y.incidents += r.incidents; y.killed += r.killed; y.known += r.killed_known;
      per.set(r.year, y);
    }
    el.hidden = per.size === 0;
    el.textContent = per.size === 0 ? "" : "Dates known only to the year, in no month above: " + [...per].sort().map(([year, y]) =>
      `${year}: ${fmt.format(y.incidents)} incident${y.incidents === 1 ? "" : "s"}, ` +
      (y.known === 0 ? "killed unknown" : `${fmt.format(y.killed)} killed`)).join("; ") + ".";
  }
  function monthRange(first, last) {
    // every "YYYY-MM" from first to last, so that the bars stand on a time axis (at most 1,200 months)
    const out = [];
    let [y, mo] = first.split("-").map(Number);
    while (out.length < 1200) {
      const key = `${y}-${String(mo).padStart(2, "0")}`;
      out.push(key);
      if (key >= last) break;
      mo += 1;
      if (mo > 12) { mo = 1; y += 1; }
    }
    return out;
  }
  // The smallest of 1, 2, 5 × 10^n (n ≥ 0: the counts are whole) that is at least `raw`.
  function niceStep(raw) {
    const power = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, raw))));
    return [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
  }
  function drawTimeline() {
    const el = $("#timeline");
    const rows = state.months;
    const W = el.clientWidth || 800, H = el.clientHeight || 200, m = { l: 44, r: 8, t: 8, b: 22 };
    const present = [...new Set(rows.map((r) => r.month))].sort();
    if (!present.length) { el.innerHTML = `<p class="empty">${state.years.length ? "No incident dated to a month matches the filters." : "No incidents match the filters."}</p>`; return; }
    const months = monthRange(present[0], present[present.length - 1]);  // a time axis: empty months too
    const parties = [...new Set(rows.map((r) => r.party))].sort();
    const per = new Map();
    for (const r of rows) { const k = r.month; if (!per.has(k)) per.set(k, {}); per.get(k)[r.party] = r[state.measure]; }
    // Killed per month: a month none of whose incidents gives a killed figure (killed_known 0 for every party)
    // has killed unknown, not 0; it gets a mark of its own on the axis instead of no bar. In a month where some
    // parties give figures, a party none of whose incidents gives one gets a hollow mark of its own on the stack.
    const given = new Map(), counted = new Map(), partyUnknown = new Map();
    for (const r of rows) {
      given.set(r.month, (given.get(r.month) || 0) + r.killed_known);
      counted.set(r.month, (counted.get(r.month) || 0) + r.incidents);
    }
    const unknown = new Set(state.measure === "killed" ? present.filter((mo) => given.get(mo) === 0) : []);
    if (state.measure === "killed") {
      for (const r of rows) {
        if (r.incidents > 0 && r.killed_known === 0 && !unknown.has(r.month)) {
          if (!partyUnknown.has(r.month)) partyUnknown.set(r.month, []);
          partyUnknown.get(r.month).push(r);
        }
      }
    }
    const totals = months.map((mo) => Object.values(per.get(mo) || {}).reduce((a, b) => a + b, 0));
    // The axis runs to a whole number of round steps (1, 2 or 5 × 10^n, about 4 of them), so the ticks read
    // 0, 50, 100 rather than the quarters of the tallest bar (0, 91, 182 …).
    const step = niceStep(Math.max(1, ...totals) / 4);
    const ticks = Math.max(1, Math.ceil(Math.max(1, ...totals) / step));
    const max = ticks * step;
    const iw = W - m.l - m.r, ih = H - m.t - m.b, bw = iw / months.length;
    let svg = `<svg viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg"><g class="grid">`;
    for (let i = 0; i <= ticks; i++) {
      const y = m.t + ih - (ih * i) / ticks;
      svg += `<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}"/>`;
    }
    svg += `</g><g class="axis">`;
    for (let i = 0; i <= ticks; i++) svg += `<text x="${m.l - 6}" y="${m.t + ih - (ih * i) / ticks + 3}" text-anchor="end">${fmt.format(step * i)}</text>`;
    // At most 12 month labels, and fewer where a narrow window leaves less than 48 px for each ("2025-03" is 36).
    const every = Math.max(1, Math.ceil(months.length / 12), Math.ceil((months.length * 48) / iw));
    months.forEach((mo, i) => {
      if (i % every === 0) svg += `<text x="${m.l + i * bw + bw / 2}" y="${H - 6}" text-anchor="middle">${mo}</text>`;
    });
    svg += `</g><g>`;
    months.forEach((mo, i) => {
      let y = m.t + ih;
      for (const p of parties) {
        const v = (per.get(mo) || {})[p] || 0;
        if (!v) continue;
        const h = (v / max) * ih;
        y -= h;
        svg += `<rect x="${(m.l + i * bw + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.8, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${partyColour(p)}" data-party="${esc(p)}"><title>${esc(mo)} · ${esc(p)}: ${fmt.format(v)} ${state.measure}</title></rect>`;
      }
      for (const r of (partyUnknown.get(mo) || []).sort((a, b) => (a.party < b.party ? -1 : 1))) {
        y -= 6;
        const n = r.incidents;
        svg += `<rect class="unknown" data-month="${esc(mo)}" data-unknown-party="${esc(r.party)}" x="${(m.l + i * bw + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.8, bw - 1).toFixed(1)}" height="6" style="stroke:${partyColour(r.party)}"><title>${esc(mo)} · ${esc(r.party)}: killed unknown (${fmt.format(n)} incident${n === 1 ? "" : "s"}, none gives a figure)</title></rect>`;
      }
      if (unknown.has(mo)) {
        const n = counted.get(mo);
        svg += `<rect class="unknown" data-month="${esc(mo)}" x="${(m.l + i * bw + 0.5).toFixed(1)}" y="${(m.t + ih - 6).toFixed(1)}" width="${Math.max(0.8, bw - 1).toFixed(1)}" height="6"><title>${esc(mo)}: killed unknown (${fmt.format(n)} incident${n === 1 ? "" : "s"}, none gives a figure)</title></rect>`;
      }
    });
    svg += `</g></svg>`;
    el.innerHTML = svg;
    let gaps = unknown.size ? `; killed unknown in ${[...unknown].join(", ")}` : "";
    for (const [mo, list] of [...partyUnknown].sort()) gaps += `; killed unknown for ${list.map((r) => r.party).sort().join(", ")} in ${mo}`;
    el.setAttribute("aria-label", `${state.measure} per month per party, ${months[0]} to ${months[months.length - 1]}${gaps}`);
  }
  function setMeasure(measure) {
    state.measure = measure;
    for (const o of document.querySelectorAll(".seg button")) o.setAttribute("aria-checked", String(o.dataset.measure === measure));
    $("#timeline-h").textContent = measure === "killed" ? "Killed per month" : "Incidents per month";
  }
  for (const b of document.querySelectorAll(".seg button")) {
    b.addEventListener("click", () => { setMeasure(b.dataset.measure); drawTimeline(); writeLink(); });
  }

  // -- table and detail ---------------------------------------------------------------------------------
  // keepRows: only the total, the pager and the figures change (a live record while a later page is read).
  // While the joint picture is shown, only the figures change: the header counts its clusters (loadJoint).
  async function loadTable(keepRows) {
    if (windowHoldsNoDay()) {
      if (!$("#joint").hidden) return;
      $("#incidents tbody").innerHTML = `<tr>${NO_DAY.replace("<td", '<td colspan="7"')}</tr>`;
      $("#table-total").textContent = "";
      $("#page-label").textContent = "";
      $("#prev").disabled = true; $("#next").disabled = true;
      return;
    }
    const asked = () => filterQuery({ limit: state.limit, offset: state.offset });
    const query = asked();
    const data = await api("/api/dashboard/table?" + query);
    if (query !== asked()) return;
    const linkedPage = state.pageFromLink;
    state.pageFromLink = null;
    if (data.total > 0 && state.offset >= data.total) return lastPage(data.total, linkedPage, keepRows);
    renderKpis(data.total, data.killed_known);
    if (!$("#joint").hidden) return;
    if (keepRows !== true) {
      const tbody = $("#incidents tbody");
      tbody.innerHTML = "";
      for (const row of data.rows) tbody.appendChild(tableRow(row));
      if (!data.rows.length) tbody.innerHTML = `<tr><td colspan="7" class="muted">No incidents match the filters.</td></tr>`;
    }
    $("#table-total").textContent = `· ${fmt.format(data.total)}`;
    const page = Math.floor(state.offset / state.limit) + 1, pages = Math.max(1, Math.ceil(data.total / state.limit));
    $("#page-label").textContent = `page ${fmt.format(page)} of ${fmt.format(pages)}`;
    $("#prev").disabled = state.offset === 0;
    $("#next").disabled = state.offset + state.limit >= data.total;
  }
  // A page past the last one (a link's, or the last page emptied meanwhile) shows the last page; a link's says so.
  function lastPage(total, linkedPage, keepRows) {
    state.offset = Math.floor((total - 1) / state.limit) * state.limit;
    if (linkedPage) notApplied(`page ${linkedPage} (the last is ${fmt.format(state.offset / state.limit + 1)})`);
    writeLink();
    return loadTable(keepRows);
  }
  function tableRow(row) {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.dataset.id = row.id;
    tr.setAttribute("aria-selected", String(row.id === state.selected));
    if (state.fresh.has(row.id)) tr.classList.add("fresh");
    tr.innerHTML = `<td>${esc(dateOf(row))}</td><td><span class="sw" style="background:${partyColour(row.reported_by)}"></span>${esc(row.reported_by)}</td>` +
      `<td>${esc(row.place || row.admin2 || "—")}</td><td>${esc(row.admin1 || "—")}</td><td>${esc(row.perpetrator || "—")}</td>` +
      `<td class="num">${row.killed_best == null ? "—" : killedShown(row)}</td><td class="num">${row.border_km == null ? "—" : Number(row.border_km).toFixed(0)}</td>`;
    tr.addEventListener("click", () => { showDetail(row.id); revealDetail(); });
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showDetail(row.id); }
      if (e.key === "ArrowDown" && tr.nextElementSibling) { e.preventDefault(); tr.nextElementSibling.focus(); }
      if (e.key === "ArrowUp" && tr.previousElementSibling) { e.preventDefault(); tr.previousElementSibling.focus(); }
    });
    return tr;
  }
  // In one column (a narrow window) the detail lies below the whole table and the alerts: a click or a tap that
  // chose an incident there scrolls to it, or it would fill off the screen and nothing would seem to happen. The
  // keyboard's Enter leaves the focus and the page where they are (the detail is announced: aria-live).
  function revealDetail() {
    const panel = $(".detail-panel"), box = panel.getBoundingClientRect();
    if (box.top >= window.innerHeight || box.bottom <= 0) panel.scrollIntoView({ block: "start" });
  }
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); writeLink(); loadTable(); });
  $("#next").addEventListener("click", () => { state.offset += state.limit; writeLink(); loadTable(); });
  // ACLED writes 0 killed for none and for no information alike: such a 0 reads 0?, and its tooltip says why, as
  // `sarhad incidents list` shows it. Returns HTML.
  const ZERO_AMBIGUOUS = "0 as the source gives it: ACLED writes 0 for none and for no information alike";
  function killedShown(row, text) {
    if (row.killed_zero_ambiguous) return `<span class="zero-ambiguous" data-testid="zero-ambiguous" title="${esc(ZERO_AMBIGUOUS)}">0?</span>`;
    return esc(text === undefined ? row.killed_best : text);
  }
  // The same in plain text, for an accessible name or a list entry: "0? (0 as the source gives it: …)".
  function killedWords(row) {
    if (row.killed_zero_ambiguous) return `0? (${ZERO_AMBIGUOUS})`;
    return row.killed_best == null ? "unknown" : String(row.killed_best);
  }
  function range(l, b, h) {
    if (b == null && l == null) return "unknown";
    if (l != null && h != null && l !== h) return `${b == null ? "" : b + " "}(${l}–${h})`;
    return String(b == null ? l : b);
  }
  function markSelected(id) {
    for (const tr of document.querySelectorAll("#incidents tbody tr")) tr.setAttribute("aria-selected", String(tr.dataset.id === id));
  }
  // fromLink: the incident a link selects. One the reader may not read, or that no longer exists, is not shown:
  // the detail panel says so quietly, the notice names it, and the link drops it.
  async function showDetail(id, fromLink) {
    state.selected = id;
    markSelected(id);
    writeLink();
    let d;
    try { d = await api("/api/dashboard/incidents/" + encodeURIComponent(id)); }
    catch (err) {
      if (!state.token || state.selected !== id) return;
      state.selected = null;
      markSelected(null);
      writeLink();
      $("#detail").innerHTML = `<p class="muted" data-testid="detail-unavailable">${fromLink ? "The incident this link selects" : "That incident"} is not available to you: it may no longer exist, or not be shared with you.</p>`;
      if (fromLink) notApplied(`incident "${shorten(id)}"`);
      return;
    }
    if (state.selected !== id) return;  // another incident was chosen meanwhile
    const inc = d.incident;
    const all = [inc, ...d.versions];
    const head = `<h3>${esc(inc.name || inc.place || inc.admin2 || "Incident")}</h3><p class="muted">${esc(dateOf(inc))} · ${esc([inc.place, inc.admin2, inc.admin1, inc.country].filter(Boolean).join(", "))}</p>`;
    const desc = inc.description ? `<p>${esc(inc.description)}</p>` : "";
    const rows = all.map((v, i) => `<tr><td>${esc(v.reported_by)}${i === 0 ? " <span class='pill'>this</span>" : ""}</td><td>${esc(dateOf(v))}</td><td>${esc(v.perpetrator || "—")}</td><td class="num">${killedShown(v, range(v.killed_low, v.killed_best, v.killed_high))}</td></tr>`).join("");
    const diffs = d.versions.flatMap((v) => v.disagreements);
    const verdict = !d.versions.length ? `<p class="muted">No other party has reported this incident.</p>`
      : diffs.length ? `<ul class="diff">${diffs.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>` : `<p class="agree">The parties' versions agree.</p>`;
    const alerts = (d.alerts.length ? `<p><b>Alerts:</b> ${d.alerts.map((a) => esc(a.rule)).join(", ")}</p>` : "") +
      (inc.cluster_id ? `<p><button class="btn ghost small" type="button" id="to-cluster" data-id="${esc(inc.cluster_id)}">Joint picture of this incident</button></p>` : "");
    $("#detail").innerHTML = head + desc + `<table data-testid="versions"><thead><tr><th>Party</th><th>Date</th><th>Perpetrator</th><th class="num">Killed</th></tr></thead><tbody>${rows}</tbody></table>` +
      `<h2 style="margin:10px 0 4px">Disagreements</h2>` + verdict + alerts + `<p class="muted hash">${esc(inc.id)} · TLP:${esc(inc.tlp)}` +
      (inc.recipients && inc.recipients.length ? ` <span data-testid="recipients">for ${inc.recipients.map(esc).join(", ")}</span>` : "") +
      ` · <span data-testid="version">version ${esc(inc.version)}</span></p>` +
      // the server sends the body that corrects it only for the party's own reports, to a principal who may write
      (inc.report ? `<p><button class="btn ghost small" type="button" id="correct">Correct this report</button></p>` : "");
    const link = $("#to-cluster");
    if (link) link.addEventListener("click", () => showCluster(link.dataset.id));
    const correct = $("#correct");
    if (correct) correct.addEventListener("click", () => openReport(inc.report, inc.id));
    return d;
  }

  // -- joint picture: reconciliation's clusters (it follows the filters, the toggle and the live stream) ------
  const FLAG_WORDS = { figures_disagree: "figures disagree", perpetrator_disagree: "perpetrators disagree",
    location_disagree: "places disagree", date_disagree: "dates disagree", single_source: "one source only" };
  // Each party of the cluster with its killed figure, "unknown" for a party none of whose reports gives one, and
  // 0? (with its tooltip) for one whose only figure is ACLED's 0, for none and for no information alike: the joint
  // figure leaves that 0 out, and the server names such a source in killed_zero_ambiguous_by_party. Returns HTML.
  function killedByParty(c) {
    const given = c.killed_by_party || {};
    const unclear = new Set(c.killed_zero_ambiguous_by_party || []);
    if (!Object.keys(given).length && !unclear.size) return "unknown";
    const parties = [...new Set([...(c.parties || []), ...Object.keys(given), ...unclear])].sort();
    const figure = (p) => given[p] ? esc(range(given[p].low, given[p].best, given[p].high))
      : unclear.has(p) ? killedShown({ killed_zero_ambiguous: true }) : "unknown";
    return parties.map((p) => `${esc(p)} ${figure(p)}`).join(", ");
  }
  function killedFigure(record) {
    return (record.figures || []).find((f) => f.measure === "killed" && f.category === "total");
  }
  // When only some reports give a killed figure, the joint figure says of how many, as the totals do.
  function reportsGiving(records) {
    const given = records.filter(killedFigure).length;
    return given > 0 && given < records.length ? ` · ${fmt.format(given)} of ${fmt.format(records.length)} reports give a figure` : "";
  }
  // When a cluster happened (its date from the server: sarhad.web.clusters): its most exactly dated reports' date
  // when the reports agree, else the span from the earliest to the latest, never one day that looks more certain
  // than the reports are. The precision follows when it is not a day, as `sarhad clusters show` gives it.
  function clusterDate(c) {
    const d = c.date;
    if (!d) return esc(c.date_start);
    const text = shownDate(d.start, d.end, d.agree ? d.precision : "day");
    const exact = d.precision === "day" ? "" : ` <span class="muted">(${esc(d.precision)})</span>`;
    const said = d.agree ? "" : ` title="the reports' dates disagree: from the earliest to the latest"`;
    return `<span class="cluster-date" data-agree="${d.agree}"${said}>${esc(text)}</span>${exact}`;
  }
  async function loadJoint() {
    if ($("#joint").hidden) return;
    if (windowHoldsNoDay()) {
      $("#clusters tbody").innerHTML = `<tr>${NO_DAY.replace("<td", '<td colspan="5"')}</tr>`;
      $("#table-total").textContent = "";
      return;
    }
    const asked = () => filterQuery({ limit: 100 });
    const query = asked();
    const data = await api("/api/dashboard/clusters?" + query);
    if (query !== asked()) return;
    const tbody = $("#clusters tbody");
    tbody.innerHTML = "";
    if (!data.reconciled) {
      tbody.innerHTML = `<tr><td colspan="5" class="muted" data-testid="not-reconciled">Reports are not grouped yet on this node: run <code>sarhad reconcile</code> on it, then reload.</td></tr>`;
      return;
    }
    $("#table-total").textContent = `· ${fmt.format(data.total)} clusters`;
    for (const c of data.clusters) {
      const tr = document.createElement("tr");
      tr.tabIndex = 0;
      tr.dataset.id = c.cluster_id;
      const flags = c.flags.map((f) => FLAG_WORDS[f] || f).join(", ") || (c.to_review ? "" : "—");
      // an analyst decision about the cluster that a correction put to review, as its detail tells it to this user
      const review = c.to_review ? `${flags ? ", " : ""}<span class="to-review" data-testid="cluster-to-review">decision to review</span>` : "";
      tr.innerHTML = `<td>${clusterDate(c)}</td><td>${esc([c.place, c.admin1].filter(Boolean).join(", ") || "—")}</td>` +
        `<td>${c.parties.map((p) => `<span class="sw" style="background:${partyColour(p)}"></span>${esc(p)}`).join(" ")}</td>` +
        `<td>${killedByParty(c)}</td><td>${esc(flags)}${review}</td>`;
      tr.addEventListener("click", () => showCluster(c.cluster_id));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showCluster(c.cluster_id); }
        if (e.key === "ArrowDown" && tr.nextElementSibling) { e.preventDefault(); tr.nextElementSibling.focus(); }
        if (e.key === "ArrowUp" && tr.previousElementSibling) { e.preventDefault(); tr.previousElementSibling.focus(); }
      });
      tbody.appendChild(tr);
    }
    if (!data.clusters.length) tbody.innerHTML = `<tr><td colspan="5" class="muted">No clusters match the filters.</td></tr>`;
  }
  async function showCluster(id) {
    state.selected = null;
    markSelected(null);
    writeLink();
    const c = await api("/api/dashboard/clusters/" + encodeURIComponent(id));
    const rows = c.records.map((m) => {
      const k = killedFigure(m);
      return `<tr><td>${esc(m.label || m.reported_by)}</td><td>${esc(dateOf(m))}</td>` +
        `<td>${esc([m.place, m.admin1].filter(Boolean).join(", ") || "—")}</td><td>${esc(m.perpetrator || "—")}</td>` +
        `<td class="num">${k ? killedShown({ killed_zero_ambiguous: k.zero_ambiguous && !k.low && !k.best && !k.high }, range(k.low, k.best, k.high)) : "unknown"}</td></tr>`;
    }).join("");
    const flags = c.flag_details.length ? `<ul class="diff">${c.flag_details.map((f) => `<li><b>${esc(FLAG_WORDS[f.flag] || f.flag)}:</b> ${esc(f.detail)}</li>`).join("")}</ul>`
      : `<p class="agree">The sources agree.</p>`;
    // A decision names its records by their source ("PK PK-77"), as 'sarhad clusters show' does: a record it moved
    // out of the cluster is not among the members above. Only the records this user may read are given.
    const named = (d, ids) => ids.map((i) => (d.names || {})[i] || i).join(", ");
    const decided = (d) => d.decision === "split"
      ? `split${d.records.length ? ` ${named(d, d.records)}` : ""}${d.kept.length ? ` from ${named(d, d.kept)}` : ""}`
      : `${d.decision}${d.records.length ? ` ${named(d, d.records)} as one incident` : ""}`;
    // A decision a correction put to review still applies until the analyst keeps or withdraws it: say which record
    // changed and how ('sarhad clusters review' on the node).
    const standing = (d) => d.withdrawn ? " (withdrawn)" : d.applied ? "" : " (not applied here)";
    const review = (d) => (d.to_review ? ` — to review: ${(d.changes || []).map((ch) => `${named(d, [ch.record])} was corrected since: ${ch.what.join("; ")}`).join("; ")}` : "") +
      (d.review_note ? ` (reviewed: "${d.review_note}")` : "");
    const decisions = c.decisions.length ? `<p data-testid="cluster-decisions"><b>Analyst decisions:</b> ${c.decisions.map((d) => `<span${d.to_review ? ' class="to-review"' : ""}>${esc(`${d.created.slice(0, 10)} ${d.party} ${decided(d)}${d.note ? ` "${d.note}"` : ""}${standing(d)}${review(d)}`)}</span>`).join("; ")}</p>` : "";
    // Disputes about the joint picture this user may read that concern the cluster, as 'sarhad clusters show' lists
    // them ('sarhad dispute show CODE' on the node).
    const disputes = (c.disputes || []).length ? `<p data-testid="cluster-disputes"><b>disputed:</b> ${c.disputes.map((x) => `<span class="dispute-code">${esc(x)}</span>`).join(", ")}</p>` : "";
    $("#detail").innerHTML = `<h3>Joint picture</h3><p class="muted">${clusterDate(c)} · ${esc([c.place, c.admin1, c.country].filter(Boolean).join(", "))}</p>` +
      `<p><b>Killed, jointly:</b> ${esc(range(c.killed.low, c.killed.best, c.killed.high))} <span class="muted">(${killedByParty(c)}${esc(reportsGiving(c.records))})</span></p>` + disputes +
      `<table data-testid="cluster-members"><thead><tr><th>Source</th><th>Date</th><th>Place</th><th>Perpetrator</th><th class="num">Killed</th></tr></thead><tbody>${rows}</tbody></table>` +
      `<h2 style="margin:10px 0 4px">Flags</h2>` + flags + decisions + `<p class="muted hash">${esc(c.cluster_id)}</p>`;
  }
  $("#joint-toggle").addEventListener("click", () => {
    const on = $("#joint").hidden;
    $("#joint").hidden = !on;
    $("#incidents").closest(".table-wrap").hidden = on;
    $(".pager").hidden = on;
    $("#joint-toggle").setAttribute("aria-pressed", String(on));
    if (on) loadJoint(); else loadTable();
  });

  // -- alerts, rules ----------------------------------------------------------------------------------------
  // What a change changed, as `sarhad alerts list` says it: "killed 7 -> 30; perpetrators BLA -> BLA, TTP".
  function describeChanges(changes) {
    const shown = (v) => (v == null ? "none" : Array.isArray(v) ? v.join(", ") : String(v));
    return (changes || []).map((c) => `${c.fact} ${shown(c.old)} -> ${shown(c.new)}`).join("; ");
  }
  // An alert's state after a later version of its incident: no longer matching (since that version), or
  // updated (what changed, old -> new); "" for an alert as it was raised.
  function alertState(a) {
    if (a.state === "no_longer_matches") return `no longer matches since version ${a.lapsed_since}`;
    if (a.updated && a.changes && a.changes.length) return `updated: ${describeChanges(a.changes)}`;
    return "";
  }
  // Who acknowledged the alert and when, as `sarhad alerts list` says it; "changed since" when a later version of
  // its incident changed it after that (it is then among the unacknowledged again).
  function ackState(a) {
    const k = a.acknowledged;
    if (!k) return "";
    const at = (k.at || "").replace("T", " ").slice(0, 16);
    return `acknowledged by ${k.by} ${at} UTC` + (k.changed_since ? ", changed since" : "");
  }
  // Whether the principal may write on this node (acknowledge alerts, switch rules): a writer's role of its party.
  function writesHere() { return Boolean(state.me && state.me.may_write && state.me.party === state.me.node); }
  // An alert's reason ("perpetrator BLA; 0 killed"), its killed 0 shown as 0? with its tooltip when that 0 is
  // ACLED's, for none and for no information alike (the incident's killed_zero_ambiguous; the reason of an alert no
  // longer matching is an earlier version's, which the incident's current row does not describe). Returns HTML.
  function alertReason(a) {
    const inc = a.incident || {};
    if (!inc.killed_zero_ambiguous || a.state === "no_longer_matches") return esc(a.reason);
    return (a.reason || "").split("; ").map((part) => part === "0 killed" ? `${killedShown(inc)} killed` : esc(part)).join("; ");
  }
  function alertItem(a, fresh) {
    const li = document.createElement("li");
    li.tabIndex = 0;
    li.dataset.id = a.id;
    li.dataset.incident = a.incident_id;
    li.dataset.created = a.created || "";
    li.dataset.state = a.state || "matches";
    li.classList.toggle("fresh", Boolean(fresh));
    li.classList.toggle("lapsed", a.state === "no_longer_matches");
    const k = a.acknowledged;
    const pending = !k || k.changed_since;
    li.dataset.acked = k ? (k.changed_since ? "changed" : "yes") : "no";
    li.classList.toggle("acked", !pending);
    const inc = a.incident || {};
    const said = alertState(a);
    const stateLine = said ? `<div class="state" title="${esc(a.updated ? "changed " + a.updated : "")}">${esc(said)}</div>` : "";
    const ackLine = k ? `<div class="ack">${esc(ackState(a))}</div>` : "";
    const ackButton = pending && writesHere() ? `<button class="btn ghost small ack-btn" type="button">Acknowledge</button>` : "";
    li.innerHTML = `<div class="rule">${esc(a.rule)}</div><div class="reason">${alertReason(a)}</div>${stateLine}${ackLine}` +
      `<div class="meta">${esc(dateOf(inc))} ${esc(inc.place || inc.admin1 || "")} · ${esc(a.origin)} · ${esc((a.created || "").replace("T", " ").slice(0, 19))} UTC</div>` + ackButton;
    const button = li.querySelector(".ack-btn");
    if (button) {
      button.setAttribute("aria-label", `Acknowledge the alert of rule ${a.rule}`);
      button.addEventListener("click", (e) => { e.stopPropagation(); acknowledgeAlert(a, button); });
      button.addEventListener("keydown", (e) => e.stopPropagation());  // Enter acknowledges; it opens nothing
    }
    const open = () => { showDetail(a.incident_id); if (inc.lat != null) map.setView([inc.lat, inc.lon], Math.max(map.getZoom(), 8)); };
    li.addEventListener("click", () => { open(); revealDetail(); });
    li.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    return li;
  }
  const NO_ALERTS = `<li class="empty" tabindex="-1">No alerts yet. Rules raise alerts as records arrive.</li>`;
  const NO_UNACKED = `<li class="empty" tabindex="-1">No alerts to acknowledge.</li>`;
  function unackedOnly() { return $("#alerts-unacked").checked; }
  async function loadAlerts() {
    const data = await api("/api/dashboard/alerts?limit=50" + (unackedOnly() ? "&unacked=1" : ""));
    const ol = $("#alert-list");
    ol.innerHTML = "";
    for (const a of data.alerts) ol.appendChild(alertItem(a, false));
    if (!data.alerts.length) ol.innerHTML = unackedOnly() ? NO_UNACKED : NO_ALERTS;
    $("#alert-count").textContent = fmt.format(data.total);
    state.alertsSeq = data.seq || null;  // what the list and count reflect: see reflected()
  }
  // Whether the alerts' list and count read last show what a live event tells already: the event's seq (the
  // stored row that caused it) is at or below what that answer reflects. Such an event is not applied again (an
  // alert past the 50 shown would be counted twice).
  function reflected(payload) {
    const seen = state.alertsSeq;
    if (!seen || !payload.seq) return false;
    return Object.entries(payload.seq).every(([table, n]) => seen[table] != null && n <= seen[table]);
  }
  // Acknowledge an alert as the principal (POST /api/dashboard/alerts/ack): its row says who and when; with
  // "Unacknowledged only" on, it leaves the list and the count. Another desk's page shows it at its next load of
  // the alerts (an acknowledgement is no live event).
  async function acknowledgeAlert(a, button) {
    button.disabled = true;
    try {
      const done = await api("/api/dashboard/alerts/ack", { method: "POST", body: JSON.stringify({ ids: [a.id] }) });
      const acked = Object.assign({}, a, done.alerts[0]);
      const li = $("#alert-list").querySelector(`li[data-id="${CSS.escape(a.id)}"]`);
      if (!li) return;
      if (unackedOnly()) {
        li.remove();
        addToAlertCount(-1);
        if (!$("#alert-list").querySelector("li[data-id]")) $("#alert-list").innerHTML = NO_UNACKED;
        return;
      }
      const item = alertItem(acked, false);
      li.replaceWith(item);
      item.focus();  // the keyboard user stays on the alert they acknowledged
    } catch (e) {
      button.disabled = false;
      toast(`Not acknowledged: ${e.message}`);
    }
  }
  $("#alerts-unacked").addEventListener("change", () => { loadAlerts().catch((e) => toast(e.message)); });
  async function loadRules() {
    const data = await api("/api/dashboard/rules");
    const writes = writesHere();
    $("#rule-list").innerHTML = data.rules.map((r) => `<li data-rule="${esc(r.name)}" class="${r.disabled ? "disabled" : ""}"><span><b>${esc(r.name)}</b>` +
      (r.disabled ? ` <span class="tag">disabled</span>` : "") + ` — ${esc(r.conditions.join("; "))}</span>` +
      (writes ? `<button class="btn ghost small rule-switch" type="button" data-switch="${r.disabled ? "enable" : "disable"}" aria-label="${r.disabled ? "Enable" : "Disable"} rule ${esc(r.name)}">${r.disabled ? "Enable" : "Disable"}</button>` : "") +
      `</li>`).join("") || `<li class="muted">No rules yet.</li>`;
  }
  // A writer stops a rule watching for a while, or lets it watch again (POST /api/dashboard/rules/NAME/disable
  // or /enable): it stays stored with its alerts; the records that arrive while it is disabled are not checked.
  $("#rule-list").addEventListener("click", async (e) => {
    const button = e.target.closest("button.rule-switch");
    if (!button) return;
    const name = button.closest("li").dataset.rule;
    button.disabled = true;
    try {
      const done = await api(`/api/dashboard/rules/${encodeURIComponent(name)}/${button.dataset.switch}`, { method: "POST" });
      $("#rule-msg").textContent = `Rule ${name} ${done.action.replace("_", " ")}.`;
      await loadRules();
    } catch (err) { button.disabled = false; $("#rule-msg").textContent = err.message; }
  });
  $("#rules-toggle").addEventListener("click", () => {
    const box = $("#rules");
    box.hidden = !box.hidden;
    $("#rules-toggle").setAttribute("aria-expanded", String(!box.hidden));
  });
  $("#rule-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const rule = { name: f.name.value.trim() };
    if (f.near_border_km.value) rule.near_border_km = Number(f.near_border_km.value);
    if (f.perpetrators.value) rule.perpetrators = f.perpetrators.value.split(",").map((s) => s.trim()).filter(Boolean);
    if (f.min_killed.value) rule.min_killed = Number(f.min_killed.value);
    try { await api("/api/dashboard/rules", { method: "POST", body: JSON.stringify(rule) }); f.reset(); $("#rule-msg").textContent = "Rule added."; loadRules(); }
    catch (e) { $("#rule-msg").textContent = e.message; }
  });

  // -- log and framework ------------------------------------------------------------------------------------
  // The cosignature a sync stored the peer's data without delivering (the peer refused it, or its answer was
  // lost): the next sync sends it again; 'sarhad peer list' shows the same.
  function owedCosignature(o) {
    if (!o) return "";
    return `<dt>Cosignature</dt><dd data-testid="owed-cosignature"><span class="pill warn">owed</span> for size ${fmt.format(o.size)}` +
      ` · last tried ${esc((o.attempted || "").slice(0, 19).replace("T", " "))}<br><span class="muted">${esc(o.reason)}</span></dd>`;
  }
  // What the operators must take up with a peer's, in words, with the command that lists it: the entries of its
  // log a sync kept apart (correctly logged, not applied) and the evidence of a rewritten log held against it.
  const counted = (n, one, many) => `${fmt.format(n)} ${n === 1 ? one : many}`;
  function takeUp(p) {
    let html = "";
    if (p.refused_entries) {
      html += `<dt>Refused</dt><dd data-testid="refused-entries"><span class="pill warn">${esc(p.name)}: ${counted(p.refused_entries, "entry", "entries")} refused</span>` +
        ` — run <code>sarhad peer list</code></dd>`;
    }
    if (p.evidence) {
      html += `<dt>Evidence</dt><dd data-testid="peer-evidence"><span class="pill bad">${esc(p.name)}: ${counted(p.evidence, "piece", "pieces")} of evidence held</span>` +
        ` — run <code>sarhad log evidence</code></dd>`;
    }
    return html;
  }
  // A witness is named by its peer's party when it is a registered peer, else by its log origin.
  const witnesses = (list) => list.map((s) => `<span class="pill ok" title="${esc(s.name)}">${esc(s.party || s.name)}</span>`).join(" ");
  // The newest checkpoint is usually not cosigned yet (the peers cosign it at their next sync): the panel then
  // also names the newest one that was, by whom and when, so "not yet" never reads as "never".
  function cosignedBy(c) {
    if (c.cosignatures.length) return witnesses(c.cosignatures);
    const last = c.latest_cosigned;
    if (!last) return `<span class="pill warn">none yet</span>`;
    const when = last.cosignatures.map((s) => s.received || "").sort().pop().slice(0, 16).replace("T", " ");
    return `latest checkpoint ${fmt.format(c.size)}: <span class="pill warn">not cosigned yet</span> · ` +
      `${fmt.format(last.size)} cosigned by ${witnesses(last.cosignatures)} (${esc(when)})`;
  }
  async function loadLog() {
    const d = await api("/api/dashboard/log");
    const c = d.checkpoint;
    let html = `<dl class="kv"><dt>Origin</dt><dd>${esc(d.origin)}</dd>`;
    html += c ? `<dt>Checkpoint</dt><dd>size ${fmt.format(c.size)} · ${esc((c.created || "").slice(0, 19).replace("T", " "))}</dd><dt>Root</dt><dd class="hash">${esc(c.root.slice(0, 32))}…</dd>` +
      `<dt>Cosigned by</dt><dd data-testid="cosigned">${cosignedBy(c)}</dd>`
      : `<dt>Checkpoint</dt><dd><span class="pill warn">nothing published yet</span></dd>`;
    html += `</dl>`;
    for (const p of d.peers) {
      html += `<div class="peer"><dl class="kv"><dt>Peer</dt><dd>${esc(p.name)} (${esc(p.party)}) ${p.split_views ? `<span class="pill bad">split view</span>` : p.size != null ? `<span class="pill ok">verified</span>` : `<span class="pill warn">not synced</span>`}</dd>` +
        (p.size != null ? `<dt>Last verified</dt><dd>size ${fmt.format(p.size)} · ${esc((p.verified || "").slice(0, 19).replace("T", " "))}</dd><dt>Root</dt><dd class="hash">${esc(p.root.slice(0, 32))}…</dd>` : "") +
        owedCosignature(p.cosignature_owed) + takeUp(p) + `</dl></div>`;
    }
    if (!d.peers.length) html += `<p class="muted">No peers registered.</p>`;
    // A removed peer's copy of its log is kept and still checked by 'sarhad log verify'.
    for (const p of d.removed_peers || []) {
      html += `<div class="peer removed" data-testid="removed-peer"><dl class="kv"><dt>Peer</dt><dd>${esc(p.name)} (${esc(p.party)}) <span class="pill">removed</span></dd>` +
        `<dt>Removed</dt><dd>${esc((p.removed || "").slice(0, 19).replace("T", " "))}</dd><dt>Log</dt><dd>${esc(p.origin)}</dd>` +
        `<dt>Copy kept</dt><dd>${fmt.format(p.leaves)} leaves${p.size != null ? ` · last verified size ${fmt.format(p.size)}` : ""}</dd></dl></div>`;
    }
    $("#log").innerHTML = html;
  }
  async function loadFramework() {
    let d;
    try { d = await api("/api/dashboard/framework"); }
    catch (err) { $("#framework").innerHTML = `<p class="muted">${esc(err.message)}</p>`; return; }
    if (!d.quarter) { $("#framework").innerHTML = `<p class="muted">No framework loaded. <code>sarhad framework load</code> adds one.</p>`; return; }
    const cls = { agreed: "ok", divergent: "warn", disputed: "bad" };
    $("#framework").innerHTML = `<p>${esc(d.commitments.length)} commitments · status in ${esc(d.quarter)}</p><div class="states">` +
      Object.entries(d.counts).map(([k, v]) => `<span class="pill ${cls[k] || ""}">${esc(k)}: ${esc(v)}</span>`).join("") +
      `</div><button class="btn ghost small" type="button" id="report-link">Open the ${esc(d.quarter)} quarterly report</button>` +
      `<div id="disputes" class="disputes"></div>`;
    loadDisputes();
    $("#report-link").addEventListener("click", async () => {
      const res = await fetch("/api/dashboard/report?quarter=" + encodeURIComponent(d.quarter), { headers: { Authorization: "Bearer " + state.token } });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        $("#framework").insertAdjacentHTML("beforeend", `<p class="muted">${esc((body.error && body.error.message) || res.statusText)}</p>`);
        return;
      }
      const blob = await res.blob();
      window.open(URL.createObjectURL(blob), "_blank", "noopener");
    });
  }
  // One item a position cites (sarhad.framework.views.cited_evidence): readable, or withheld with what the log shows.
  function citedEvidence(e) {
    if (e.readable) return `<span class="hash">${esc(e.code)}</span> ${esc(e.title)}`;
    const known = e.party ? ` (${esc(e.party)}, marked ${esc(e.tlp)}, logged SHA-256 <span class="hash">${esc(e.logged_sha256)}</span>)` : "";
    return `<span class="withheld" data-testid="withheld-evidence">withheld evidence <span class="hash">${esc(e.id)}</span>${known}: you may not read it</span>`;
  }
  async function loadDisputes() {
    let d;
    try { d = await api("/api/disputes?open=true"); }
    catch (err) { $("#disputes").innerHTML = `<p class="muted">${esc(err.message)}</p>`; return; }
    if (!d.disputes.length) { $("#disputes").innerHTML = `<p class="muted">No open dispute.</p>`; return; }
    $("#disputes").innerHTML = `<h3>Open disputes</h3>` + d.disputes.map((x) => `<div class="dispute"><b>${esc(x.code)}</b> ${esc(x.summary)} <span class="pill ${x.overdue ? "bad" : "warn"}">${esc(x.status)}</span>` +
      Object.entries(x.positions).map(([party, p]) => `<p class="position"><b>${esc(party)}</b>: ${esc(p.text)}` +
        (p.evidence.length ? `<br><span class="muted">evidence:</span> ${p.evidence.map(citedEvidence).join("; ")}` : "") + `</p>`).join("") +
      `</div>`).join("");
  }
  // killedKnown false: no incident gives a killed figure, so the sum is unknown (a 0 would read as a count).
  function renderKpis(total, killedKnown) {
    const killed = [...state.months, ...state.years].reduce((a, r) => a + r.killed, 0);
    const shown = total > 0 && killedKnown === false ? "unknown" : fmt.format(killed);
    $("#kpis").innerHTML = `<span class="kpi"><b data-testid="kpi-incidents">${fmt.format(total)}</b><span>incidents</span></span>` +
      `<span class="kpi"><b data-testid="kpi-killed">${shown}</b><span>killed</span></span>`;
  }

  // -- options and filters -------------------------------------------------------------------------------
  async function loadOptions() {
    const o = await api("/api/dashboard/options");
    const fill = (sel, values) => { for (const [v, label] of values) { const opt = document.createElement("option"); opt.value = v; opt.textContent = label; sel.appendChild(opt); } };
    // The server names every country the reader may read, those whose incidents give no province too.
    fill($("#f-country"), o.countries.map((c) => [c, c]));
    fill($("#f-admin1"), o.provinces.map((p) => [p.admin1, `${p.admin1} (${p.country})`]));
    fill($("#f-perpetrator"), o.perpetrators.map((p) => [p.name, p.name]));
    state.perpGroups = new Map(o.perpetrators.map((p) => [p.name, p.spellings]));
    state.groupOf = new Map(o.perpetrators.flatMap((p) => p.spellings.map((s) => [s, p.name])));
    fill($("#f-party"), o.parties.map((p) => [p, p]));
    o.parties.forEach(partyColour);
    o.perpetrators.forEach((p) => { if (!state.perps.includes(p.name)) state.perps.push(p.name); });
  }
  // offset: the table's first row (a link's page; a changed filter starts again at the first page).
  // A pop-up opened before the filters changed (an incident's, or the list of those at one spot) may name
  // incidents the map no longer draws: it closes with the change.
  function refresh(offset) {
    if (map) map.closePopup();
    state.offset = offset || 0;
    // loadTable only updates the totals while the joint picture is shown; loadJoint does nothing while it is not.
    return Promise.all([loadTimeline().then(() => Promise.all([loadTable(), loadJoint()])), loadMarkers()]);
  }
  $("#filters").addEventListener("change", (ev) => {
    if (ev.target.name === "colour") { state.colourBy = ev.target.value; writeLink(); loadMarkers(); return; }
    state.offset = 0;
    writeLink();
    refresh();
  });
  $("#filters").addEventListener("reset", () => setTimeout(() => { state.colourBy = "party"; state.offset = 0; writeLink(); refresh(); }, 0));
  $("#filters").addEventListener("submit", (ev) => ev.preventDefault());

  // -- the link: the page's state in the URL's fragment ---------------------------------------------------
  // The filters, the colour mode, the timeline's measure, the map's view, the table's page and the selected
  // incident are kept in the fragment (#since=2025-03-01&perpetrator=…&map=7/26.500/62.900&page=2&incident=…),
  // so the address is a link to what the page shows.
  // The fragment never reaches the server, its logs or a proxy; the page is read the same without it; and
  // signing in happens within the page, so a link opened before signing in keeps its state. A change is
  // written with history.replaceState (no reload, no history entry); opening another link in the tab (a new
  // entry) or going Back or Forward to one shows that link's state. Only known keys with valid values are
  // read, into form fields (never into HTML); anything else is dropped and the defaults are kept. A known key whose
  // value is not applied (not a valid value, not among the reader's choices, a page past the last, an incident
  // the reader cannot read) is named in a notice above the panels, as text.
  const DAY = /^\d{4}-\d{2}-\d{2}$/;
  const VIEW = /^(\d{1,2})\/(-?\d{1,2}(?:\.\d{1,6})?)\/(-?\d{1,3}(?:\.\d{1,6})?)$/;
  function validDay(v) {
    if (!DAY.test(v)) return false;
    const d = new Date(v + "T00:00:00Z");
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }
  const PAGE = /^[1-9]\d{0,6}$/;
  const INCIDENT = /^[\w.:-]{1,200}$/;
  function readLink() {
    const p = new URLSearchParams(location.hash.slice(1));
    const out = { rejected: [] };
    const reject = (key) => { if (p.get(key)) out.rejected.push(`${key} "${shorten(p.get(key))}"`); };
    for (const key of ["since", "until"]) { const v = p.get(key); if (v && validDay(v)) out[key] = v; else reject(key); }
    // Checked against the lists the server offers when they are filled (applyFilters).
    for (const key of ["country", "admin1", "perpetrator", "party", "near_border", "colour"]) {
      const v = p.get(key);
      if (v && v.length <= 200) out[key] = v; else reject(key);
    }
    if (["incidents", "killed"].includes(p.get("measure"))) out.measure = p.get("measure"); else reject("measure");
    const view = VIEW.exec(p.get("map") || "");
    if (view) {
      const [zoom, lat, lon] = [Number(view[1]), Number(view[2]), Number(view[3])];
      if (zoom >= map.getMinZoom() && zoom <= map.getMaxZoom() && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) out.map = { zoom, lat, lon };
    }
    if (!out.map) reject("map");
    if (PAGE.test(p.get("page") || "")) out.page = Number(p.get("page")); else reject("page");
    if (INCIDENT.test(p.get("incident") || "")) out.incident = p.get("incident"); else reject("incident");
    return out;
  }
  // A link's value as the notice quotes it: at most 60 characters.
  function shorten(value) { return value.length > 60 ? value.slice(0, 59) + "…" : value; }
  // A select takes only a value it offers (an unknown province or group is dropped, and named in the notice);
  // a date, a valid day. The table's page and the selected incident are checked when they are read.
  function applyFilters(wanted) {
    const rejected = [...wanted.rejected];
    for (const el of $("#filters").elements) {
      if (!el.name) continue;
      const v = wanted[el.name] || "";
      if (el.tagName !== "SELECT") { el.value = v; continue; }
      const offered = [...el.options].some((o) => o.value === v);
      el.value = offered ? v : el.options[0].value;
      if (!offered && v) rejected.push(`${el.name} "${shorten(v)}"`);
    }
    state.colourBy = $("#f-colour").value;
    setMeasure(wanted.measure || "incidents");
    state.offset = wanted.page ? (wanted.page - 1) * state.limit : 0;
    state.pageFromLink = wanted.page || null;
    state.selected = wanted.incident || null;
    showNotApplied(rejected);
  }
  // The notice names the parts of the link not applied; it goes with a dismissal, a sign-out or another link.
  function showNotApplied(parts) {
    state.notApplied = parts;
    const box = $("#link-notice");
    box.hidden = !parts.length;
    box.querySelector(".text").textContent = parts.length ? `Not applied from this link: ${parts.join(", ")}. The page shows the defaults for these instead.` : "";
  }
  function notApplied(part) { showNotApplied([...state.notApplied, part]); }
  $("#link-notice button").addEventListener("click", () => showNotApplied([]));
  function applyView(wanted) {
    if (wanted.map) map.setView([wanted.map.lat, wanted.map.lon], wanted.map.zoom);
    else map.setView(HOME.center, HOME.zoom);
  }
  function linkOf() {
    const p = new URLSearchParams();
    for (const el of $("#filters").elements) {
      if (el.name && el.value && !(el.name === "colour" && el.value === "party")) p.set(el.name, el.value);
    }
    if (state.measure !== "incidents") p.set("measure", state.measure);
    const c = map.getCenter();
    p.set("map", `${map.getZoom()}/${c.lat.toFixed(3)}/${c.lng.toFixed(3)}`);
    if (state.offset > 0) p.set("page", String(Math.floor(state.offset / state.limit) + 1));
    if (state.selected) p.set("incident", state.selected);
    return "#" + p.toString().replace(/%2F/g, "/");  // "/" may stand in a fragment: map=7/26.500/62.900
  }
  // Written only while signed in and once the link's state is applied: a sign-out or the sign-in form leave the
  // link as it is, for the next sign-in.
  function writeLink() {
    if (!state.linked) return;
    const link = linkOf();
    if (location.hash !== link) history.replaceState(history.state, "", link);
  }
  window.addEventListener("hashchange", async () => {
    if (!state.linked || location.hash === linkOf()) return;
    const wanted = readLink();
    await state.optionsReady.catch(() => null);  // the lists that offer a link's province, group and party
    if (!state.linked) return;
    applyFilters(wanted);
    applyView(wanted);
    drawTimeline();
    refresh(state.offset);
    writeLink();
    if (wanted.incident) showDetail(wanted.incident, true); else $("#detail").innerHTML = EMPTY_DETAIL;
  });
  $("#f-copy").addEventListener("click", async () => {
    const b = $("#f-copy");
    try { await navigator.clipboard.writeText(location.href); b.textContent = "Link copied"; }
    catch (e) { b.textContent = "Copy the address bar"; }
    setTimeout(() => { b.textContent = "Copy link"; }, 2000);
  });
  // The skip link moves the focus without changing the fragment, which holds the page's state.
  $(".skip").addEventListener("click", (ev) => { ev.preventDefault(); $("#table-panel").focus(); });
  // A read-only view of what the map draws, for tests and scripts (the markers are drawn on a canvas, so their
  // colours are not in the DOM): copies of the drawn markers ({id, party, perpetrator, group, colour}; a cluster
  // as {cluster: true, lat, lon, count, killed, killed_known, party, title}, its title what its tooltip says) and the
  // map's view; where a point lies in the map's box (pixels from its top left: where a marker for it is drawn);
  // and shownDate, the rule the page writes a date by. None changes the page.
  window.sarhad = Object.freeze({
    markers: () => state.drawn.map((m) => Object.assign({}, m)),
    shownDate,  // (date_start, date_end, date_precision) -> the date as the page shows it
    pixel: (lat, lon) => {
      if (!map) return null;
      const p = map.latLngToContainerPoint([lat, lon]);
      return { x: p.x, y: p.y };
    },
    view: () => {
      if (!map) return null;
      const c = map.getCenter();
      return { zoom: map.getZoom(), lat: Number(c.lat.toFixed(3)), lon: Number(c.lng.toFixed(3)) };
    },
  });

  // -- live stream (server-sent events over fetch, so the token travels in a header) ----------------------
  // The server's rule: a group the options list (the alias registry's name) matches its stored spellings;
  // other text, the names containing it.
  function matchesPerpetrator(name, wanted) {
    const group = state.perpGroups.get(wanted);
    if (group) return group.includes(name);
    return (name || "").toLowerCase().includes(wanted.toLowerCase());
  }
  function matchesFilters(row) {
    const f = Object.fromEntries(new URLSearchParams(filterQuery()));
    if (f.since && row.date_start < f.since) return false;
    if (f.until && row.date_start > f.until) return false;
    if (f.country && row.country !== f.country) return false;
    if (f.admin1 && row.admin1 !== f.admin1) return false;
    if (f.party && row.reported_by !== f.party) return false;
    if (f.perpetrator && !matchesPerpetrator(row.perpetrator, f.perpetrator)) return false;
    if (f.near_border && !(row.border_km != null && row.border_km <= Number(f.near_border))) return false;
    return true;
  }
  function setLive(s, label) { $("#live").dataset.state = s; $("#live .label").textContent = label; }
  function onIncident(row) {
    window.sarhadEvents.push({ kind: "incident", id: row.id, at: Date.now() });
    state.withheld.delete(row.id);
    state.fresh.add(row.id);
    debouncedLiveRefresh();
    if (!matchesFilters(row)) return;
    if (row.lat != null) {
      const { colour, shape } = styleOf(row);
      const m = pointMarker(row, { radius: radiusFor(row.killed_best) + 2, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: .95, className: "pulse", shape }).addTo(liveLayer);
      m.sarhadIncident = row.id;
      m.getElement && m.getElement();
    }
    if (state.offset === 0) {
      const tbody = $("#incidents tbody");
      const old = tbody.querySelector(`tr[data-id="${CSS.escape(row.id)}"]`);
      if (old) old.remove();
      tbody.insertBefore(tableRow(row), tbody.firstChild);
    }
  }
  // The list is newest first, as the alerts route orders it (created descending, then id). The row an alert
  // goes before: the first shown raised before it; null for the end of the list. An alert older than every
  // alert shown goes at the end only when the list shows every alert counted; otherwise it lies past the 50 the
  // list loaded, where it stays unshown (undefined).
  function placeOf(a) {
    const ol = $("#alert-list");
    const items = ol.querySelectorAll("li[data-id]");
    for (const li of items) {
      if (li.dataset.created < a.created || (li.dataset.created === a.created && li.dataset.id > a.id)) return li;
    }
    return items.length >= alertCount() ? null : undefined;
  }
  // One row per alert: an alert the list shows already (sent again when its incident became current,
  // "listed_again", or changed by a later version) is updated where it stands; one it does not show goes where
  // its time puts it (placeOf), or nowhere when that lies past the alerts shown. Whether it is new to the count:
  // see onAlert and onAlertUpdate.
  function showAlert(a) {
    const ol = $("#alert-list");
    const shown = ol.querySelector(`li[data-id="${CSS.escape(a.id)}"]`);
    const item = alertItem(a, true);
    if (shown) {
      const focused = document.activeElement === shown;
      shown.replaceWith(item);
      if (focused) item.focus();  // a keyboard user reading the alert keeps their place
      return;
    }
    const before = placeOf(a);
    if (before === undefined) return;
    const empty = ol.querySelector(".empty");
    if (empty) empty.remove();
    ol.insertBefore(item, before);
  }
  function alertCount() { return Number($("#alert-count").textContent.replace(/,/g, "")); }
  function addToAlertCount(n) { $("#alert-count").textContent = fmt.format(Math.max(0, alertCount() + n)); }
  function onAlert(a) {
    const shown = reflected(a);
    window.sarhadEvents.push({ kind: "alert", id: a.id, listed_again: Boolean(a.listed_again), reflected: shown, at: Date.now() });
    if (shown) return;  // the list and count read show it already
    const known = $("#alert-list").querySelector(`li[data-id="${CSS.escape(a.id)}"]`);
    if (known && !a.listed_again) return;  // the same alert once more (a reconnection): nothing new
    if (a.listed_again) state.withheld.delete(a.incident_id);
    showAlert(a);  // before it is counted: placeOf compares the alerts shown with those counted before it
    if (!known) addToAlertCount(1);
    if (!known) toast(`Alert · ${a.rule}: ${a.reason}`);
  }
  // A peer withheld a later version of an incident the page may show: neither it nor its alerts are listed any
  // more (until a current version arrives: "incident", then "alert" with listed_again). Its table row, its live
  // marker and its alerts go, and the alert count loses its alerts (those past the 50 shown too: it counted
  // them); the totals, the timeline and the markers are read again. An incident already told of is left alone.
  function onWithheld(w) {
    const shown = reflected(w);
    window.sarhadEvents.push({ kind: "withheld", id: w.id, alerts: w.alerts, reflected: shown, at: Date.now() });
    if (state.withheld.has(w.id)) return;
    state.withheld.add(w.id);
    state.fresh.delete(w.id);
    const tr = $("#incidents tbody").querySelector(`tr[data-id="${CSS.escape(w.id)}"]`);
    if (tr) tr.remove();
    if (liveLayer) liveLayer.eachLayer((m) => { if (m.sarhadIncident === w.id) liveLayer.removeLayer(m); });
    const ol = $("#alert-list");
    if (!shown) {  // the list and count read last left these alerts out already
      for (const id of w.alerts) {
        const li = ol.querySelector(`li[data-id="${CSS.escape(id)}"]`);
        if (li) li.remove();
      }
      addToAlertCount(-w.alerts.length);
      if (!ol.querySelector("li[data-id]")) ol.innerHTML = NO_ALERTS;
    }
    debouncedLiveRefresh();
    if (map) loadMarkers();
  }
  // A later version of the alert's incident updated it, ended it or made it match again: the row says so. An
  // alert the list does not show (past its first 50) is counted already.
  const CHANGE_WORDS = { updated: "Alert updated", no_longer_matches: "Alert no longer matches", matches_again: "Alert matches again" };
  function onAlertUpdate(a) {
    const event = (a.change && a.change.event) || "updated";
    const shown = reflected(a);
    window.sarhadEvents.push({ kind: "alert_update", id: a.id, event, reflected: shown, at: Date.now() });
    if (shown) return;  // the list read shows this state already (or a later one)
    // Unacknowledged only: an acknowledged alert that changed is to acknowledge again; whether the count held it
    // (changed before) or not, the list and count are read again.
    if (unackedOnly() && a.acknowledged) loadAlerts().catch(() => {});
    else showAlert(a);
    toast(`${CHANGE_WORDS[event] || "Alert changed"} · ${a.rule}: ${alertState(a) || a.reason}`);
  }
  function toast(text) {
    // A pop-up at the foot of the window, clear of the totals and the alert count; the alerts list keeps the
    // alert, so the pop-up goes after 4 s, or at once on a click or Escape.
    const t = document.createElement("div");
    t.className = "toast";
    t.textContent = text;
    t.title = "Click or press Escape to dismiss";
    t.addEventListener("click", () => t.remove());
    $("#toasts").appendChild(t);
    setTimeout(() => t.remove(), 4000);
  }
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("#toasts").innerHTML = ""; });
  function onEvent(kind, payload) {
    if (kind === "incident") onIncident(payload);
    else if (kind === "alert") onAlert(payload);
    else if (kind === "alert_update") onAlertUpdate(payload);
    else if (kind === "withheld") onWithheld(payload);
  }
  // The stream numbers its events (SSE's "id:"), and a page that reconnects sends the last id it got
  // (Last-Event-ID): the server sends the events it missed first, and nothing is read again; the planned
  // reconnection every 5 minutes costs no API call. When the server cannot send them (it restarted, or the gap is
  // longer than it keeps) it says "resync" first: nothing told the page what changed meanwhile (records, alerts,
  // their states and counts, withheld incidents), so it reads them all again from the API instead of trusting
  // what it shows. The events that arrive meanwhile wait, and follow in order; those the alerts' answer shows
  // already (reflected()) are not applied again.
  async function readAgain(ctrl) {
    const held = [];
    state.held = held;
    try {
      if (liveLayer) liveLayer.clearLayers();
      state.fresh.clear();
      state.withheld.clear();
      await Promise.all([loadAlerts(), loadTimeline().then(() => Promise.all([loadTable(), loadJoint()])),
        map ? loadMarkers() : null, loadRules(), loadLog(), loadFramework()]);
    } catch (e) {
      // a failed read leaves the page as it was; the events still follow
    } finally {
      if (state.held === held) state.held = null;
    }
    if (state.live !== ctrl) return;  // signed out meanwhile
    window.sarhadEvents.push({ kind: "read_again", at: Date.now() });
    for (const [kind, payload] of held) onEvent(kind, payload);
  }
  async function connectStream(again) {
    const ctrl = new AbortController();
    state.live = ctrl;
    try {
      const headers = { Authorization: "Bearer " + state.token, Accept: "text/event-stream" };
      const resume = again ? state.lastId : null;  // a new sign-in starts afresh
      if (!again) state.lastId = null;
      if (resume) headers["Last-Event-ID"] = resume;
      const res = await fetch("/api/stream", { headers, signal: ctrl.signal });
      if (res.status === 401) {
        const body = await res.json().catch(() => ({}));
        logout(sessionEnded((body.error && body.error.message) || res.statusText));
        return;
      }
      if (!res.ok || !res.body) throw new Error("stream failed");
      setLive("on", "live");
      window.sarhadEvents.push({ kind: "connected", again: Boolean(again), resume, at: Date.now() });
      if (again && !resume) readAgain(ctrl);  // it never had a place in the stream: nothing to resume from
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let kind = "message", data = "", id = null;
          for (const line of frame.split("\n")) {
            if (line.startsWith("event:")) kind = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
            else if (line.startsWith("id:")) id = line.slice(3).trim();
          }
          if (data) {
            const payload = JSON.parse(data);
            if (kind === "resync") {
              window.sarhadEvents.push({ kind: "resync", reason: payload.reason, at: Date.now() });
              readAgain(ctrl);
            } else if (state.held) state.held.push([kind, payload]);
            else onEvent(kind, payload);
          }
          if (id !== null && state.live === ctrl) state.lastId = id;  // a frame with an id alone moves the place too
        }
      }
    } catch (e) {
      if (ctrl.signal.aborted) return;
    }
    if (!state.token) return;
    setLive("retry", "reconnecting");
    // A sign-out (and perhaps a new sign-in) meanwhile replaced this stream: then it is not reopened.
    setTimeout(() => { if (state.live === ctrl) connectStream(true); }, 1000);
  }

  // -- the report form: an analyst reports (and corrects) the party's own incidents ---------------------------
  // The form posts the JSON API's body (POST /api/incidents, the schema NEW_INCIDENT): the server checks it and
  // names the field it refuses (error.field), and the page shows its message next to that field, with everything
  // typed kept. Giving the same reference again is a correction: the record's next version. "Correct this report"
  // in the detail (the server offers it only for the node's party's own reports, and only to a principal who may
  // write) fills the form with the record as the body that restates it. The code lists (GTD types, the gazetteer's
  // provinces and districts, the alias registry's groups) come from /api/dashboard/codes, read once.
  const report = { codes: null, correcting: null, picking: false, marker: null, geoTouched: false, sent: { figures: [], perpetrators: [] }, bound: false };
  const DATE_LABELS = { day: "a day", days: "some days (from, to)", week: "a week (from, to)", month: "a month", year: "a year", unknown: "not known (the possible days)" };
  const datePart = (precision) => (["day", "month", "year"].includes(precision) ? precision : "span");
  const reportForm = $("#report-form");
  const rv = (name) => String(reportForm.elements[name].value || "").trim();
  function option(value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label == null ? value : label;
    return o;
  }
  async function reportCodes() {
    if (!report.codes) {
      report.codes = await api("/api/dashboard/codes");
      const c = report.codes;
      for (const p of c.date_precisions) $("#r-precision").appendChild(option(p, DATE_LABELS[p] || p));
      for (const p of c.geo_precisions) $("#r-geo").appendChild(option(p));
      for (const t of c.tlp_levels) $("#r-tlp").appendChild(option(t, "TLP:" + t));
      for (const cc of [...new Set(c.provinces.map((p) => p.country))].sort()) $("#r-country").appendChild(option(cc));
      for (const p of c.provinces) $("#r-provinces").appendChild(option(p.name, `${p.code} · ${p.country}`));
      for (const g of c.groups) {
        $("#r-groups").appendChild(option(g.name, g.short || ""));
        if (g.short) $("#r-groups").appendChild(option(g.short, g.name));
      }
      for (const [box, list, name] of [["#r-attack", c.attack_types, "attack_types"], ["#r-target", c.target_types, "target_types"], ["#r-weapon", c.weapon_types, "weapon_types"]]) {
        $(box).innerHTML = list.map((t) => `<label><input type="checkbox" name="${name}" value="${esc(t)}"> ${esc(t)}</label>`).join("");
      }
      fillDistricts();
    }
    return report.codes;
  }
  function provinceOf(text) {
    const n = (text || "").trim().toLowerCase();
    return n && report.codes ? report.codes.provinces.find((p) => p.name.toLowerCase() === n || p.code.toLowerCase() === n) || null : null;
  }
  // The districts offered are the chosen province's (every district when none is chosen).
  function fillDistricts() {
    const prov = provinceOf(rv("admin1"));
    const box = $("#r-districts");
    box.innerHTML = "";
    for (const d of report.codes.districts) if (!prov || d.admin1_code === prov.code) box.appendChild(option(d.name, `${d.kind} · ${d.admin1_code}`));
  }
  // How exact the place is, until the analyst says otherwise: a point, a district, a province, a country.
  function autoGeo() {
    if (report.geoTouched) return;
    $("#r-geo").value = rv("lat") !== "" && rv("lon") !== "" ? "exact" : rv("admin2") ? "admin2" : rv("admin1") ? "admin1" : rv("country") ? "country" : "unknown";
  }
  $("#r-geo").addEventListener("change", () => { report.geoTouched = true; });
  // A name typed whole or chosen from the list (an "input" event; "change" waits for the field to lose focus).
  function onProvince() {
    const prov = provinceOf(rv("admin1"));
    if (prov) $("#r-country").value = prov.country;
    fillDistricts();
    autoGeo();
  }
  function onDistrict() {
    const name = rv("admin2").toLowerCase();
    const prov = provinceOf(rv("admin1"));
    const d = report.codes && report.codes.districts.find((x) => x.name.toLowerCase() === name && (!prov || x.admin1_code === prov.code));
    if (d && !prov) {  // a district named first: its province and country follow
      const p = report.codes.provinces.find((x) => x.code === d.admin1_code);
      if (p) { $("#r-admin1").value = p.name; $("#r-country").value = p.country; fillDistricts(); }
    }
    autoGeo();
  }
  for (const kind of ["input", "change"]) {
    $("#r-admin1").addEventListener(kind, onProvince);
    $("#r-admin2").addEventListener(kind, onDistrict);
  }
  $("#r-country").addEventListener("change", autoGeo);
  for (const sel of ["#r-lat", "#r-lon"]) $(sel).addEventListener("input", () => { drawReportPoint(); autoGeo(); });
  function showDatePart() {
    const part = datePart($("#r-precision").value);
    for (const el of reportForm.querySelectorAll(".date-part")) {
      el.hidden = el.dataset.part !== part;
      for (const input of el.querySelectorAll("input")) input.disabled = el.hidden;
    }
  }
  $("#r-precision").addEventListener("change", showDatePart);
  $("#r-tlp").addEventListener("change", () => { $("#r-recipients-field").hidden = $("#r-tlp").value !== "RED"; });

  // Perpetrators and figures are rows; a row left blank is not sent (a figure left blank is unknown, never 0).
  function perpetratorRow(p) {
    const div = document.createElement("div");
    div.className = "perp";
    const n = reportForm.querySelectorAll(".perp").length + 1;
    div.innerHTML = `<div><label for="r-perp-${n}">Group</label><input id="r-perp-${n}" name="name" list="r-groups" autocomplete="off" value="${esc(p.name || "")}"></div>` +
      `<div><label for="r-attr-${n}">Attribution</label><select id="r-attr-${n}" name="attribution">${report.codes.attributions.map((a) => `<option${a === (p.attribution || "suspected") ? " selected" : ""}>${esc(a)}</option>`).join("")}</select></div>` +
      `<button class="btn ghost small" type="button" aria-label="Remove this perpetrator">Remove</button>`;
    div.querySelector("button").addEventListener("click", () => { div.remove(); $("#r-add-perp").focus(); });
    $("#r-perps").appendChild(div);
    return div;
  }
  function labelFigure(tr) {
    const what = `${tr.querySelector("[name=measure]").value} ${tr.querySelector("[name=category]").value}`.replace(/_/g, " ");
    for (const k of ["low", "best", "high"]) tr.querySelector(`[name=${k}]`).setAttribute("aria-label", `${what} ${k}`);
    tr.querySelector("button").setAttribute("aria-label", `Remove the ${what} figure`);
  }
  function figureRow(f) {
    const tr = document.createElement("tr");
    const select = (name, list, value) => `<select name="${name}" aria-label="${name === "measure" ? "Measure" : "Category"}">` +
      list.map((v) => `<option value="${esc(v)}"${v === value ? " selected" : ""}>${esc(v.replace(/_/g, " "))}</option>`).join("") + `</select>`;
    tr.innerHTML = `<td>${select("measure", report.codes.measures, f.measure)}</td><td>${select("category", report.codes.categories, f.category || "total")}</td>` +
      ["low", "best", "high"].map((k) => `<td><input type="number" min="0" step="1" inputmode="numeric" name="${k}" value="${f[k] == null ? "" : esc(f[k])}"></td>`).join("") +
      `<td><button class="btn ghost small" type="button">×</button></td>`;
    if (f.rule) tr.dataset.rule = f.rule;  // a correction keeps a figure's rule and its ambiguous zero
    if (f.zero_ambiguous) tr.dataset.zeroAmbiguous = "true";
    for (const s of tr.querySelectorAll("select")) s.addEventListener("change", () => labelFigure(tr));
    tr.querySelector("button").addEventListener("click", () => { tr.remove(); $("#r-add-figure").focus(); });
    labelFigure(tr);
    $("#r-figures").appendChild(tr);
    return tr;
  }
  $("#r-add-perp").addEventListener("click", () => perpetratorRow({}).querySelector("input").focus());
  $("#r-add-figure").addEventListener("click", () => figureRow({ measure: "killed", category: "total" }).querySelector("select").focus());

  // The body the form stands for, as POST /api/incidents takes it; what is left blank is left out (or null).
  function reportBody() {
    const body = { source_id: rv("source_id"), date_precision: $("#r-precision").value };
    const part = datePart(body.date_precision);
    if (part === "day") { body.date_start = rv("date_day"); body.date_end = rv("date_day"); }
    else if (part === "span") { body.date_start = rv("date_from"); body.date_end = rv("date_to") || rv("date_from"); }
    else if (part === "month") {
      const m = rv("date_month");
      const known = /^(\d{4})-(\d{2})$/.exec(m);
      body.date_start = known ? `${m}-01` : m;
      body.date_end = known ? `${m}-${pad(monthEnd(Number(known[1]), Number(known[2])), 2)}` : m;
    } else {
      const y = rv("date_year");
      body.date_start = y ? `${y}-01-01` : ""; body.date_end = y ? `${y}-12-31` : "";
    }
    for (const k of ["date_start", "date_end"]) if (!body[k]) delete body[k];
    const place = {};
    const prov = provinceOf(rv("admin1"));
    if (rv("country")) place.country = rv("country");
    if (rv("admin1")) place.admin1 = prov ? prov.name : rv("admin1");
    if (prov) place.admin1_code = prov.code;
    if (rv("admin2")) place.admin2 = rv("admin2");
    if (rv("place_name")) place.name = rv("place_name");
    if (rv("lat") !== "") place.lat = Number(rv("lat"));
    if (rv("lon") !== "") place.lon = Number(rv("lon"));
    place.precision = $("#r-geo").value;
    body.place = place;
    for (const name of ["attack_types", "target_types", "weapon_types"]) {
      body[name] = [...reportForm.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    }
    report.sent.perpetrators = [...reportForm.querySelectorAll(".perp")].filter((row) => row.querySelector("[name=name]").value.trim());
    body.perpetrators = report.sent.perpetrators.map((row) => ({ name: row.querySelector("[name=name]").value.trim(), attribution: row.querySelector("[name=attribution]").value }));
    const count = (row, k) => { const raw = row.querySelector(`[name=${k}]`).value.trim(); return raw === "" ? null : Number(raw); };
    report.sent.figures = [...$("#r-figures").rows].filter((row) => ["low", "best", "high"].some((k) => count(row, k) !== null));
    body.figures = report.sent.figures.map((row) => {
      const f = { measure: row.querySelector("[name=measure]").value, category: row.querySelector("[name=category]").value,
        low: count(row, "low"), best: count(row, "best"), high: count(row, "high") };
      if (row.dataset.rule) f.rule = row.dataset.rule;
      if (row.dataset.zeroAmbiguous) f.zero_ambiguous = true;
      return f;
    });
    body.sources = rv("sources").split("\n").map((s) => s.trim()).filter(Boolean);
    if (rv("title")) body.title = rv("title");
    if (rv("summary")) body.summary = rv("summary");
    body.tlp = $("#r-tlp").value;
    if (body.tlp === "RED") body.recipients = rv("recipients").split(",").map((s) => s.trim()).filter(Boolean);
    return body;
  }
  // The record's body (a correction) in the form's fields.
  function fillReport(body) {
    reportForm.elements.source_id.value = body.source_id || "";
    reportForm.elements.title.value = body.title || "";
    $("#r-precision").value = body.date_precision || "day";
    showDatePart();
    const part = datePart($("#r-precision").value);
    if (part === "day") $("#r-day").value = body.date_start || "";
    else if (part === "span") { $("#r-from").value = body.date_start || ""; $("#r-to").value = body.date_end || ""; }
    else if (part === "month") $("#r-month").value = (body.date_start || "").slice(0, 7);
    else $("#r-year").value = (body.date_start || "").slice(0, 4);
    const place = body.place || {};
    $("#r-country").value = place.country || "";
    $("#r-admin1").value = place.admin1 || place.admin1_code || "";
    fillDistricts();
    $("#r-admin2").value = place.admin2 || "";
    $("#r-place").value = place.name || "";
    $("#r-lat").value = place.lat == null ? "" : place.lat;
    $("#r-lon").value = place.lon == null ? "" : place.lon;
    $("#r-geo").value = place.precision || "unknown";
    report.geoTouched = true;  // the record says how exact its place is
    for (const name of ["attack_types", "target_types", "weapon_types"]) {
      const chosen = new Set(body[name] || []);
      for (const box of reportForm.querySelectorAll(`input[name=${name}]`)) box.checked = chosen.has(box.value);
    }
    $("#r-perps").innerHTML = "";
    for (const p of body.perpetrators || []) perpetratorRow(p);
    if (!(body.perpetrators || []).length) perpetratorRow({});
    $("#r-figures").innerHTML = "";
    for (const f of body.figures || []) figureRow(f);
    if (!(body.figures || []).length) for (const m of ["killed", "wounded", "hostages"]) figureRow({ measure: m, category: "total" });
    $("#r-sources").value = (body.sources || []).join("\n");
    $("#r-summary").value = body.summary || "";
    $("#r-tlp").value = body.tlp || "CLEAR";
    $("#r-recipients").value = (body.recipients || []).join(", ");
    $("#r-recipients-field").hidden = $("#r-tlp").value !== "RED";
    drawReportPoint();
  }
  const BLANK_REPORT = { date_precision: "day", tlp: "CLEAR", place: { precision: "unknown" } };
  function setCorrecting(id) {
    report.correcting = id;
    $("#r-source").readOnly = Boolean(id);
    $("#report-h").textContent = id ? "Correct your report" : "Report an incident";
    $("#r-submit").textContent = id ? "Submit correction" : "Submit report";
    $("#report-intro").textContent = id ? `A correction is the record's next version; the reference stays ${rv("source_id")}. Blank is unknown, never 0.`
      : "Your agency's own report. Leave a figure blank when it is not known: blank is unknown, never 0.";
  }
  function reportMsg(text, ok) {
    $("#report-msg").textContent = text;
    $("#report-msg").classList.toggle("ok", Boolean(ok));
  }
  function clearReportErrors() {
    for (const p of reportForm.querySelectorAll(".field-error")) p.remove();
    for (const el of reportForm.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      if (el.dataset.describedBy != null) {
        if (el.dataset.describedBy) el.setAttribute("aria-describedby", el.dataset.describedBy); else el.removeAttribute("aria-describedby");
        delete el.dataset.describedBy;
      }
    }
  }
  const PLACE_INPUTS = { lat: "#r-lat", lon: "#r-lon", country: "#r-country", admin1: "#r-admin1", admin1_code: "#r-admin1", admin2: "#r-admin2", name: "#r-place", precision: "#r-geo" };
  // The inputs a refusal is about: the field the server names, narrowed by the path its message begins with
  // (figures/1/best: the second figure sent, its best).
  function inputsFor(field, path, message) {
    const visible = (sel) => [...reportForm.querySelectorAll(sel)].filter((el) => !el.disabled && !el.closest("[hidden]"));
    const parts = path.split("/");
    if ((field === "figures" || field === "perpetrators") && /^\d+$/.test(parts[1] || "")) {
      const row = report.sent[field][Number(parts[1])];
      if (row) return [row.querySelector(`[name="${parts[2] || (field === "figures" ? "best" : "name")}"]`) || row.querySelector("input, select")];
    }
    if (field === "place") {
      if (PLACE_INPUTS[parts[1]]) return [$(PLACE_INPUTS[parts[1]])];
      return /latitude|longitude/.test(message) ? [$("#r-lat"), $("#r-lon")] : visible("[data-field~=place] input");
    }
    if (field === "date_end") return datePart($("#r-precision").value) === "span" ? [$("#r-to")] : visible(".date-part input");
    if (field === "date_start") return visible(".date-part input").slice(0, 1);
    const box = reportForm.querySelector(`[data-field~="${field}"]`);
    return box ? visible(`[data-field~="${field}"] input, [data-field~="${field}"] select, [data-field~="${field}"] textarea`).slice(0, field.endsWith("_types") ? 1 : undefined) : [];
  }
  function showReportError(error) {
    const message = error.message || "refused";
    const path = (/^([a-z_]+(?:\/[\w]+)*)[: ]/.exec(message) || ["", ""])[1];
    const field = error.field || "";
    const box = field ? reportForm.querySelector(`[data-field~="${field}"]`) : null;
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = `r-error-${field || "form"}`;
    p.dataset.field = field;
    p.textContent = message;
    if (box && !box.closest("[hidden]")) box.appendChild(p); else $("#report-msg").before(p);
    const inputs = box ? inputsFor(field, path, message).filter(Boolean) : [];
    for (const el of inputs) {
      el.setAttribute("aria-invalid", "true");
      el.dataset.describedBy = el.getAttribute("aria-describedby") || "";
      el.setAttribute("aria-describedby", `${el.dataset.describedBy} ${p.id}`.trim());
    }
    reportMsg("Not saved: the server refused the report (see the field marked). Nothing you typed was lost.");
    (inputs[0] || $("#r-submit")).focus();
  }
  reportForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearReportErrors();
    const body = reportBody();
    $("#r-submit").disabled = true;
    reportMsg("Sending…");
    let res, answer;
    try {
      res = await fetch("/api/incidents", { method: "POST", body: JSON.stringify(body),
        headers: { Authorization: "Bearer " + state.token, "Content-Type": "application/json" } });
      answer = await res.json().catch(() => ({}));
    } catch (e) {
      reportMsg(`Not sent: ${e.message}. Nothing you typed was lost; try again.`);
      return;
    } finally {
      $("#r-submit").disabled = false;
    }
    if (res.status === 401) { logout(sessionEnded((answer.error && answer.error.message) || res.statusText)); return; }
    if (!res.ok) { showReportError(answer.error || { message: res.statusText }); return; }
    const what = answer.added ? "Reported" : answer.updated ? "Corrected" : "Unchanged (the record already says this)";
    setCorrecting(answer.id);
    reportMsg(`${what}: ${answer.id}`, true);
    const d = await showDetail(answer.id);
    if (d && report.correcting === answer.id) reportMsg(`${what}: ${answer.id} · version ${d.incident.version}`, true);
  });

  // A point: typed, picked on the map (a click), or the map's centre (a keyboard user moves the map with the
  // arrow keys). A dashed ring marks it on the map while the form is open.
  function drawReportPoint() {
    if (report.marker) { report.marker.remove(); report.marker = null; }
    const lat = rv("lat"), lon = rv("lon");
    if (!map || $("#report").hidden || lat === "" || lon === "" || !Number.isFinite(Number(lat)) || Math.abs(Number(lat)) > 90 || Math.abs(Number(lon)) > 180) return;
    report.marker = L.circleMarker([Number(lat), Number(lon)], { radius: 9, color: "#7cc4ff", weight: 2, dashArray: "3 3", fillOpacity: 0, interactive: false }).addTo(map);
  }
  function setReportPoint(lat, lon) {
    $("#r-lat").value = lat.toFixed(5);
    $("#r-lon").value = lon.toFixed(5);
    drawReportPoint();
    autoGeo();
  }
  const NARROW = window.matchMedia("(max-width: 700px)");
  function setPicking(on) {
    report.picking = on;
    document.body.classList.toggle("picking", on);
    $("#r-pick").setAttribute("aria-pressed", String(on));
    $("#r-pick").textContent = on ? "Click the map (Escape stops)" : "Pick on the map";
    // In a phone's window the drawer steps aside (see the CSS) and the map, further up the page, is brought into
    // view; the point taken, the keyboard's place is the pick button again.
    if (!NARROW.matches) return;
    if (on) $("#map").scrollIntoView({ block: "nearest" });
    else if (!$("#report").hidden) $("#r-pick").focus({ preventScroll: true });
  }
  // A click on an incident's marker while picking is a click on the map: the canvas renderer hands it to the
  // marker alone (the map hears nothing), so each marker's handler asks here first, and shuts its popup.
  function pickedAt(e) {
    if (!report.picking) return false;
    if (e.target && e.target.closePopup) e.target.closePopup();
    setReportPoint(e.latlng.lat, e.latlng.lng);
    setPicking(false);
    return true;
  }
  $("#r-pick").addEventListener("click", () => setPicking(!report.picking));
  $("#r-centre").addEventListener("click", () => { const c = map.getCenter(); setReportPoint(c.lat, c.lng); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && report.picking) setPicking(false); });

  function resetReport() {
    reportForm.reset();
    clearReportErrors();
    reportMsg("");
    report.geoTouched = false;
    fillReport(BLANK_REPORT);
    report.geoTouched = false;
    setCorrecting(null);
  }
  // body and id: a correction of that record; none: a new report (a form already open keeps what it holds).
  async function openReport(body, id) {
    try { await reportCodes(); }
    catch (e) { toast(`The report form's lists could not be read: ${e.message}`); return; }
    if (!report.bound && map) {
      map.on("click", (e) => { if (report.picking) { setReportPoint(e.latlng.lat, e.latlng.lng); setPicking(false); } });
      report.bound = true;
    }
    const wasOpen = !$("#report").hidden;
    $("#report").hidden = false;
    document.body.classList.add("reporting");  // the alerts' pop-ups stand clear of the form (see the CSS)
    clearOfReport();
    $("#report-open").setAttribute("aria-expanded", "true");
    if (body) {
      resetReport();
      fillReport(body);
      setCorrecting(id);
      $("#r-title").focus();
    } else {
      if (!wasOpen && !report.correcting && !rv("source_id")) resetReport();
      $("#r-source").focus();
    }
    drawReportPoint();
  }
  // The open form lies over the map's right edge in a laptop's window: the map's controls on that side (the
  // layers button, the attribution) and the legend move left of it (--covered, see the CSS). In a phone's window
  // the form covers the whole map, and steps aside while a point is picked: nothing moves there.
  function clearOfReport() {
    let covered = 0;
    if (!$("#report").hidden && !NARROW.matches) {
      const m = $("#map").getBoundingClientRect(), d = $("#report").getBoundingClientRect();
      covered = Math.max(0, Math.ceil(m.right - d.left));
      if (m.width - covered < 160) covered = 0;  // too little map left to hold the controls
    }
    $(".map-panel").style.setProperty("--covered", covered + "px");
  }
  window.addEventListener("resize", clearOfReport);
  window.addEventListener("scroll", clearOfReport, { passive: true });
  function closeReport() {
    $("#report").hidden = true;
    document.body.classList.remove("reporting");
    clearOfReport();
    $("#report-open").setAttribute("aria-expanded", "false");
    setPicking(false);
    drawReportPoint();
  }
  $("#report-open").addEventListener("click", () => { if ($("#report").hidden) openReport(); else closeReport(); });
  $("#report-close").addEventListener("click", () => { closeReport(); $("#report-open").focus(); });
  $("#r-new").addEventListener("click", () => { resetReport(); $("#r-source").focus(); });
  // Whoever signs in next sees nothing of the form of the session that ended.
  function clearReport() {
    closeReport();
    if (report.codes) resetReport(); else { reportForm.reset(); reportMsg(""); setCorrecting(null); }
  }

  // -- start ---------------------------------------------------------------------------------------------
  function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; }
  // A live record is shown at once on top of the table; a moment later (once for a burst of records) the
  // timeline, the totals and the table page are read again, so that the figures agree with the node's (and
  // 'sarhad stats') and a late record of an old date moves to its place, and the log panel shows the
  // checkpoint that took it in. The joint picture, when shown, is read again too.
  const debouncedLiveRefresh = debounce(async () => {
    if (!state.token) return;
    await Promise.all([loadTimeline().then(() => Promise.all([loadTable(state.offset > 0), loadJoint()])), loadLog()]);
    state.fresh.clear();
  }, 1000);
  async function start() {
    $("#login").hidden = true; $("#app").hidden = false; $("#filters").hidden = false; $("#foot").hidden = false;
    $("#logout").hidden = false;
    $("#whoami").textContent = `${state.me.name} · ${state.me.role} · ${state.me.party}`;
    $("#rule-form").hidden = !state.me.may_write;
    // the report form: the node's own agency's analysts and admins (a report is the node's party's record)
    $("#report-open").hidden = !(state.me.may_write && state.me.party === state.me.node);
    document.title = `sarhad · ${state.me.node} border monitoring`;
    // The map and its layers are made once per page: a sign-in after a sign-out reuses them.
    const first = !map;
    if (first) {
      initMap();
      window.addEventListener("resize", debounce(drawTimeline, 150));
    }
    // The link's state first: its view at once, and its province, group or party once the lists that offer
    // them are read (a value they do not offer is dropped).
    const wanted = readLink();
    const options = loadOptions();
    state.optionsReady = options;
    applyView(wanted);
    if (wanted.country || wanted.admin1 || wanted.perpetrator || wanted.party) await options.catch(() => null);
    if (!state.token) return;  // the session ended meanwhile
    applyFilters(wanted);
    state.linked = true;
    writeLink();
    connectStream();
    // Everything else at once: the map's layers and the data do not wait for one another.
    const detail = wanted.incident ? showDetail(wanted.incident, true) : null;
    await Promise.all([options, first ? loadLayers() : null, loadTimeline().then(loadTable), loadMarkers(), loadAlerts(), loadRules(), loadLog(), loadFramework(), detail]);
    window.sarhadReady = true;
    document.documentElement.dataset.ready = "true";
  }
  if (state.token) {
    api("/api/dashboard/whoami").then((me) => { state.me = me; start(); }).catch(() => logout(""));
  } else {
    logout("");
  }
})();
