/* Qijiang Atlas investor view: ranks parks through /api/parks/rank, colours the map by score, keeps
 * the table and map in sync and the whole state in the URL. Data text goes through textContent only. */
(function () {
  "use strict";

  var P = {parks: {}, data: null, version: 0, selected: [], sort: "rank", desc: false, token: 0};
  window.QJParks = P;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeId(id) { return String(id).replace(/[^A-Za-z0-9_-]/g, "_"); }

  /* Texts come translated from the server (parks_strings() in atlas/web/parks.py). */
  function t(key) { return (P.cfg && P.cfg.strings && P.cfg.strings[key]) || key; }

  function fmt(key, values) {
    return t(key).replace(/\{(\w+)\}/g, function (all, name) { return values[name] !== undefined ? values[name] : all; });
  }

  function locale() { return P.cfg && P.cfg.lang === "en" ? "en" : "zh-CN"; }

  function number(value, digits) {
    return Number(value).toLocaleString(locale(), {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }

  /* The name (or any field) in the page language, falling back to the other language. */
  function tr(obj, field) {
    if (!obj) return "";
    var zh = obj[field + "_zh"], en = obj[field + "_en"];
    return P.cfg && P.cfg.lang === "en" ? (en || zh || "") : (zh || en || "");
  }

  /* The context layers (district, stations, hubs) are drawn by atlas.js: give it the page language. */
  function shareLanguage(cfg) {
    if (!window.QJAtlas) return;
    window.QJAtlas.lang = cfg.lang || "zh";
    if (cfg.atlas_strings) window.QJAtlas.strings = cfg.atlas_strings;
  }

  function otherName(obj) {
    var other = P.cfg && P.cfg.lang === "en" ? obj.name_zh : obj.name_en;
    return other && other !== tr(obj, "name") ? other : "";
  }

  function colourFor(score) {
    if (score === null || score === undefined) return P.cfg.no_score;
    var colour = P.cfg.classes[0][1];
    P.cfg.classes.forEach(function (pair) { if (score >= pair[0]) colour = pair[1]; });
    return colour;
  }

  function formatMetric(metric) {
    var v = metric.value;
    if (v === null || v === undefined) return t("unknown");
    if (metric.unit === "m" && metric.interval) {   // a site known only to lie in an area: nearest–farthest
      return number(metric.interval[0] / 1000, 2) + "–" + number(metric.interval[1] / 1000, 2) + " " + t("km") +
        " " + t("interval");
    }
    if (metric.unit === "m") return number(v / 1000, 2) + " " + t("km");
    if (metric.unit === "km2") return Number(v).toLocaleString(locale(), {maximumFractionDigits: 2}) + " " + t("km2");
    if (metric.unit === "match") return v === 1 ? t("match") : t("no_match");
    return String(v);
  }

  /* ---------- state <-> URL ---------- */
  function formState() {
    var params = new URLSearchParams();
    var form = P.form;
    form.querySelectorAll("input[type=range]").forEach(function (input) {
      params.set(input.name, input.value);
      var out = document.getElementById(input.id + "_out");
      if (out) out.textContent = input.value;
    });
    ["industry", "f_industry"].forEach(function (name) {
      Array.prototype.forEach.call(form.elements[name].selectedOptions, function (opt) { params.append(name, opt.value); });
    });
    ["designation", "status"].concat(P.cfg.number_filters).forEach(function (name) {   // filters: from the server
      var value = form.elements[name].value.trim();
      if (value !== "") params.set(name, value);
    });
    return params;
  }

  function pageState() {
    var params = formState();
    if (P.selected.length) params.set("sel", P.selected.join(","));
    if (P.sort !== "rank") params.set("sort", P.sort);
    if (P.desc) params.set("dir", "desc");
    var current = new URLSearchParams(window.location.search);
    ["base", "lang"].forEach(function (name) { if (current.get(name)) params.set(name, current.get(name)); });
    return params;
  }

  function problem(params) {
    var total = 0;
    var bad = null;
    params.forEach(function (value, name) {
      if (name.indexOf("w_") === 0) total += Number(value);
      if (/^(min_|max_)/.test(name) && !(isFinite(Number(value)) && Number(value) >= 0)) bad = name;
    });
    if (bad) return bad + " " + t("not_negative");
    if (total <= 0) return t("all_zero");
    return null;
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    P.selected = (params.get("sel") || "").split(",").filter(Boolean);
    P.sort = params.get("sort") || "rank";
    P.desc = params.get("dir") === "desc";
  }

  /* ---------- fetch and render ---------- */
  function refresh() {
    var params = pageState();
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    var query = formState().toString();
    var exportQuery = query + (query ? "&" : "") + "lang=" + encodeURIComponent(P.cfg.lang || "zh");
    document.getElementById("qj-export-csv").href = P.cfg.csv_url + "?" + exportQuery;
    document.getElementById("qj-export-geojson").href = P.cfg.geojson_url + "?" + query;
    updateCompareLink(query);
    var message = problem(params);
    var box = document.getElementById("qj-parks-error");
    box.hidden = !message;
    box.textContent = message || "";
    if (message) return;
    var token = ++P.token;
    fetch(P.cfg.rank_url + "?" + query, {headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.json().then(function (body) { return {ok: resp.ok, body: body}; }); })
      .then(function (res) {
        if (token !== P.token) return;
        if (!res.ok) { box.hidden = false; box.textContent = res.body.message || t("error"); return; }
        render(res.body);
      });
  }

  function render(data) {
    P.data = data;
    data.parks.forEach(function (park) {
      var item = P.parks[park.id];
      if (!item) return;
      var shown = park.hidden_by.length === 0;
      if (shown && !P.map.hasLayer(item.layer)) P.map.addLayer(item.layer);
      if (!shown && P.map.hasLayer(item.layer)) P.map.removeLayer(item.layer);
      item.layer.setStyle(parkFill(item.feature, colourFor(park.score)));
      item.layer.setTooltipContent(tooltip(item.feature.properties || {}, park.score));   // the colour in words
    });
    var before = currentOrder();
    renderTable(data);
    announce(before);
    var summary = fmt("shown", {shown: data.shown_count, total: data.parks.length});
    if (data.hidden_count) summary += " · " + fmt("hidden", {hidden: data.hidden_count});
    document.getElementById("qj-parks-summary").textContent = summary + " · " + t("as_of") + " " + (data.as_of || t("unknown"));
    P.version += 1;
    document.documentElement.setAttribute("data-parks-version", String(P.version));
    document.documentElement.setAttribute("data-parks-loaded", "true");
  }

  function currentOrder() {
    return Array.prototype.map.call(document.querySelectorAll(".qj-park-row"), function (tr) { return tr.dataset.parkId; });
  }

  /* Tell screen-reader users that the ranking changed (a polite live region), and what is first now. */
  function announce(before) {
    var after = currentOrder();
    if (!before.length || before.join() === after.join()) return;
    var first = P.data.parks.filter(function (p) { return p.id === after[0]; })[0];
    document.getElementById("qj-parks-announce").textContent =
      fmt("reordered", {name: first ? (tr(first, "name") || first.id) : "", n: after.length});
  }

  function band(score) {
    if (score === null || score === undefined) return t("no_score");
    var classes = P.cfg.classes, text = "";
    classes.forEach(function (pair, i) {
      if (score >= pair[0]) text = pair[0] + "–" + (i + 1 < classes.length ? classes[i + 1][0] : 100);
    });
    return t("score") + " " + text;
  }

  function sortValue(park) {
    if (P.sort === "rank") return park.rank;
    if (P.sort === "score") return park.score;
    if (P.sort === "name") return tr(park, "name") || park.id;
    var metric = park.metrics[P.sort];
    return metric ? metric.normalised : null;
  }

  function sortedShown(data) {
    var shown = data.parks.filter(function (p) { return p.hidden_by.length === 0; });
    var better = P.sort === "rank" || P.sort === "name" ? 1 : -1;  // scores: best (largest) first by default
    var dir = (P.desc ? -1 : 1) * better;
    return shown.slice().sort(function (a, b) {
      var va = sortValue(a), vb = sortValue(b);
      if (va === null || va === undefined) return (vb === null || vb === undefined) ? a.rank - b.rank : 1;
      if (vb === null || vb === undefined) return -1;
      var c = typeof va === "string" ? va.localeCompare(vb, locale()) : va - vb;
      return c !== 0 ? dir * c : a.rank - b.rank;
    });
  }

  function metricCell(park, key) {
    var metric = park.metrics[key];
    var td = el("td", "qj-metric");
    td.setAttribute("data-criterion", key);
    td.appendChild(el("div", "qj-metric-value", formatMetric(metric)));
    if (metric.weight > 0) {
      var why = metric.normalised === null ? t("missing_data") + " · +0" :
        number(metric.normalised, 2) + " → +" + number(metric.contribution, 1);
      td.appendChild(el("div", "qj-why small text-secondary", why));
    }
    if (metric.value === null) td.classList.add("qj-unknown");
    return td;
  }

  function nameCell(park) {
    var td = el("th", "qj-name");     // the row's header: screen readers name each cell by its park
    td.setAttribute("scope", "row");
    var a = el("a", null, tr(park, "name") || park.id);
    a.href = P.cfg.profile_url.replace("__ID__", encodeURIComponent(park.id));
    td.appendChild(a);
    if (park.placed) {   // the keyboard's way to what a click on the row does
      var show = el("button", "btn btn-link btn-sm p-0 ms-1 qj-show-on-map", "◎");
      show.type = "button";
      show.title = t("show_on_map") + " " + (tr(park, "name") || park.id);
      show.setAttribute("aria-label", show.title);
      show.addEventListener("click", function () { focusPark(park.id); });
      td.appendChild(show);
    }
    td.appendChild(el("div", "small text-secondary", otherName(park)));
    if (!park.placed) td.appendChild(el("span", "badge text-bg-secondary qj-unplaced-badge", t("unplaced")));
    if (park.missing.length) {
      var flag = el("span", "badge text-bg-warning qj-missing", t("missing_data") + " " + park.missing.length);
      var labels = {};
      P.cfg.criteria.forEach(function (c) { labels[c.key] = c.label; });
      flag.title = t("unknown") + ": " + park.missing.map(function (key) { return labels[key] || key; }).join(", ");
      td.appendChild(flag);
    }
    return td;
  }

  function selectCell(park) {
    var td = el("td");
    var box = el("input", "form-check-input qj-select");
    box.type = "checkbox";
    box.checked = P.selected.indexOf(park.id) >= 0;
    box.setAttribute("aria-label", t("select") + " " + (tr(park, "name") || park.id));
    box.addEventListener("change", function () {
      P.selected = P.selected.filter(function (id) { return id !== park.id; });
      if (box.checked) P.selected.push(park.id);
      refresh();
    });
    td.appendChild(box);
    return td;
  }

  function renderTable(data) {
    var body = document.querySelector("#qj-parks-table tbody");
    body.textContent = "";
    sortedShown(data).forEach(function (park) {
      var tr = el("tr", "qj-park-row");
      tr.setAttribute("data-park-id", park.id);
      tr.appendChild(selectCell(park));
      tr.appendChild(el("td", "qj-rank", park.rank));
      tr.appendChild(nameCell(park));
      var score = el("td", "qj-score");
      var swatch = el("span", "qj-swatch");
      swatch.style.background = colourFor(park.score);
      swatch.setAttribute("role", "img");
      swatch.setAttribute("aria-label", band(park.score));
      swatch.title = band(park.score);
      score.appendChild(swatch);
      score.appendChild(el("span", "qj-score-value", park.score === null ? t("unknown") : number(park.score, 1)));
      score.appendChild(el("div", "small text-secondary", t("known") + " " + park.known_criteria + "/" + park.criteria_count));
      tr.appendChild(score);
      P.cfg.criteria.forEach(function (c) { tr.appendChild(metricCell(park, c.key)); });
      tr.addEventListener("click", function (ev) {
        if (ev.target.closest("a, input, button")) return;
        focusPark(park.id);
      });
      body.appendChild(tr);
    });
    document.querySelectorAll("#qj-parks-table th[data-sort]").forEach(function (th) {
      th.classList.toggle("qj-sorted", th.getAttribute("data-sort") === P.sort);
      th.setAttribute("aria-sort", th.getAttribute("data-sort") === P.sort ? (P.desc ? "descending" : "ascending") : "none");
    });
  }

  function updateCompareLink(query) {
    var link = document.getElementById("qj-compare");
    var ok = P.selected.length >= 2 && P.selected.length <= 4;
    link.classList.toggle("disabled", !ok);
    link.setAttribute("aria-disabled", ok ? "false" : "true");
    link.href = ok ? P.cfg.compare_url + "?ids=" + encodeURIComponent(P.selected.join(",")) + "&" + query : "#";
  }

  /* a disabled link stays focusable (so it is found) but does nothing, also from the keyboard */
  function guardCompareLink() {
    document.getElementById("qj-compare").addEventListener("click", function (ev) {
      if (this.getAttribute("aria-disabled") === "true") ev.preventDefault();
    });
  }

  /* ---------- map <-> table ---------- */
  function highlightRow(id) {
    document.querySelectorAll(".qj-park-row.qj-highlight").forEach(function (tr) { tr.classList.remove("qj-highlight"); });
    var row = document.querySelector('.qj-park-row[data-park-id="' + safeId(id) + '"]');
    if (row) { row.classList.add("qj-highlight"); row.scrollIntoView({block: "nearest"}); }
    return row;
  }

  function focusPark(id) {
    highlightRow(id);
    var item = P.parks[id];
    if (!item) return false;
    if (item.layer.getBounds) P.map.flyToBounds(item.layer.getBounds(), {maxZoom: 14, duration: 0.5});
    else P.map.flyTo(item.layer.getLatLng(), 14, {duration: 0.5});
    item.layer.openTooltip();
    return true;
  }
  P.focusPark = focusPark;

  function tooltip(props, score) {
    var box = el("span", "qj-tip", tr(props, "name") || props.id);
    if (otherName(props)) box.appendChild(el("span", "qj-tip-en", " " + otherName(props)));
    if (score !== undefined) {
      box.appendChild(el("br"));
      box.appendChild(el("span", "qj-tip-score", score === null ? t("no_score") : t("score") + " " + number(score, 1) + " (" + band(score) + ")"));
    }
    return box;
  }

  /* Parks sit in their own pane above the context layers (atlas.js panes go up to 440). */
  function parkPane(map) {
    if (!map.getPane("qj-parks")) map.createPane("qj-parks").style.zIndex = "460";
    return "qj-parks";
  }

  /* A park known only to lie in an area is hatched in its score colour, never filled as if it were the site. */
  function parkFill(feature, colour) {
    var area = (feature.properties || {}).accuracy === "area" && window.QJAtlas && QJAtlas.hatchFill;
    return area ? {fillColor: QJAtlas.hatchFill(colour), fillOpacity: 1, color: "#333", dashArray: "6 4"}
      : {fillColor: colour, color: "#333"};
  }

  function drawParks(fc) {
    var pane = parkPane(P.map);
    fc.features.forEach(function (f) {
      if (!f.geometry) return;
      var props = f.properties || {};
      var cls = "qj-park qj-park-" + safeId(props.id);
      var style = {color: "#333", weight: 2, fillColor: P.cfg.no_score, fillOpacity: 0.85, className: cls, pane: pane};
      var group = L.geoJSON(f, {
        style: function () { return style; },
        pointToLayer: function (feat, latlng) { return L.circleMarker(latlng, L.extend({radius: 11}, style)); },
      });
      var layer = group.getLayers()[0];
      layer.bindTooltip(tooltip(props), {direction: "top"});
      layer.on("click", function () { highlightRow(props.id); });
      layer.addTo(P.map);
      P.parks[props.id] = {layer: layer, feature: f};
    });
  }

  function buildLegend(map) {
    var Legend = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        var box = el("div", "qj-legend qj-score-legend leaflet-bar");
        box.appendChild(el("div", "qj-legend-family", t("score")));
        var classes = P.cfg.classes;
        classes.forEach(function (pair, i) {
          var row = el("div", "qj-legend-row");
          var sw = el("span", "qj-swatch");
          sw.style.background = pair[1];
          row.appendChild(sw);
          row.appendChild(el("span", null, pair[0] + "–" + (i + 1 < classes.length ? classes[i + 1][0] : 100)));
          box.appendChild(row);
        });
        var none = el("div", "qj-legend-row");
        var sw = el("span", "qj-swatch");
        sw.style.background = P.cfg.no_score;
        none.appendChild(sw);
        none.appendChild(el("span", null, t("no_score")));
        box.appendChild(none);
        return box;
      },
    });
    new Legend().addTo(map);
  }

  P.initIndex = function (map, cfg) {
    P.map = map;
    P.cfg = cfg;
    shareLanguage(cfg);
    if (window.QJAtlas) window.QJAtlas.labelControls(map);
    P.form = document.getElementById("qj-parks-form");
    P.form.addEventListener("submit", function (ev) { ev.preventDefault(); });   // no inline handler (CSP)
    readUrl();
    guardCompareLink();
    buildLegend(map);
    var timer = null;
    function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 60); }
    P.form.addEventListener("input", schedule);
    P.form.addEventListener("change", schedule);
    document.querySelectorAll("#qj-parks-table th[data-sort]").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        P.desc = P.sort === key ? !P.desc : false;
        P.sort = key;
        refresh();
      });
    });
    fetch(cfg.parks_url, {headers: {"Accept": "application/geo+json"}})
      .then(function (resp) { return resp.json(); })
      .then(drawParks)
      .then(refresh);
  };

  /* ---------- profile / compare map: parks, nearest targets, connecting lines ---------- */
  function labelled(layer, text) {
    layer.bindTooltip(el("span", "qj-tip", text), {permanent: true, direction: "right", className: "qj-target-label"});
  }

  P.drawSurroundings = function (map, cfg) {
    P.cfg = cfg;
    shareLanguage(cfg);
    if (window.QJAtlas) window.QJAtlas.labelControls(map);
    var all = L.featureGroup().addTo(map);
    cfg.parks.forEach(function (f) {
      var props = f.properties || {};
      var style = {color: "#d94801", fillColor: "#fd8d3c", weight: 3, fillOpacity: 0.5,
                   className: "qj-park qj-park-" + safeId(props.id), pane: parkPane(map)};
      L.geoJSON(f, {
        style: function () { return style; },
        pointToLayer: function (feat, latlng) { return L.circleMarker(latlng, L.extend({radius: 11}, style)); },
        onEachFeature: function (feat, layer) { labelled(layer, tr(props, "name") || props.id); },
      }).addTo(all);
    });
    cfg.targets.concat(cfg.communities).forEach(function (target) {
      if (!target.geometry) return;  // no placed target of this kind
      var km = number(target.distance_m / 1000, 2) + " " + t("km");
      L.geoJSON(target.line, {style: function () { return {color: "#555", weight: 2, dashArray: "6 4", className: "qj-link"}; }})
        .addTo(all);
      L.geoJSON(target.geometry, {
        pointToLayer: function (feat, latlng) {
          return L.circleMarker(latlng, {radius: 7, color: "#222", fillColor: "#6baed6", fillOpacity: 0.9, className: "qj-target"});
        },
        style: function () { return {color: "#222", fillColor: "#6baed6", fillOpacity: 0.3, className: "qj-target"}; },
        onEachFeature: function (feat, layer) { labelled(layer, (tr(target, "name") || target.id) + " · " + km); },
      }).addTo(all);
    });
    if (all.getLayers().length) map.fitBounds(all.getBounds(), {padding: [40, 40], maxZoom: 14});
    document.documentElement.setAttribute("data-parks-loaded", "true");
  };
})();
