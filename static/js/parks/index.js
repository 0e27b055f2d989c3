/* Qijiang Atlas investor view, the /parks page: ranks parks through /api/parks/rank, colours the map by
 * score, keeps the table and map in sync and the whole state (form, selection, sort) in the URL. */
(function () {
  "use strict";

  var P = window.QJParks;
  var T = P.text, t = T.t;

  /* ---------- state <-> URL ---------- */
  function formState() {
    var params = new URLSearchParams();
    var form = P.form;
    form.querySelectorAll("input[type=range]").forEach(function (input) {
      params.set(input.name, input.value);
      var out = document.getElementById(input.id + "_out");
      if (out) out.textContent = input.value;
    });
    // one checklist of industries sought; "only matching parks" also filters by the same industries
    var only = document.getElementById("qj-only-matching").checked;
    form.querySelectorAll("input[name=industry]:checked").forEach(function (box) {
      params.append("industry", box.value);
      if (only) params.append("f_industry", box.value);
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
  function updateLinks(query) {
    var exportQuery = query + (query ? "&" : "") + "lang=" + encodeURIComponent(P.cfg.lang || "zh");
    document.getElementById("qj-export-csv").href = P.cfg.csv_url + "?" + exportQuery;
    document.getElementById("qj-export-geojson").href = P.cfg.geojson_url + "?" + query;
    var link = document.getElementById("qj-compare");
    var ok = P.selected.length >= 2 && P.selected.length <= 4;
    link.classList.toggle("disabled", !ok);
    link.setAttribute("aria-disabled", ok ? "false" : "true");
    link.href = ok ? P.cfg.compare_url + "?ids=" + encodeURIComponent(P.selected.join(",")) + "&" + query : "#";
  }

  P.refresh = function () {
    var params = pageState();
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    var query = formState().toString();
    P.query = query;   // profile links carry the weights and filters (issue 28)
    updateLinks(query);
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
  };

  function restyleParks(data) {
    data.parks.forEach(function (park) {
      var item = P.parks[park.id];
      if (!item) return;
      var shown = park.hidden_by.length === 0;
      if (shown && !P.map.hasLayer(item.layer)) P.map.addLayer(item.layer);
      if (!shown && P.map.hasLayer(item.layer)) P.map.removeLayer(item.layer);
      item.layer.setStyle(P.parkFill(item.feature, P.colourFor(park.score)));
      item.layer.setTooltipContent(P.tooltip(item.feature.properties || {}, park.score));   // the colour in words
    });
  }

  function render(data) {
    P.data = data;
    restyleParks(data);
    var before = P.currentOrder();
    P.renderTable(data);
    P.announce(before);
    var summary = T.fmt("shown", {shown: data.shown_count, total: data.parks.length});
    if (data.hidden_count) summary += " · " + T.fmt("hidden", {hidden: data.hidden_count});
    document.getElementById("qj-parks-summary").textContent = summary + " · " + t("as_of") + " " + (data.as_of || t("unknown"));
    var note = document.getElementById("qj-parks-known");
    var parts = [];
    if (data.known.mostly_unknown) parts.push(T.fmt("mostly_unknown", {known: data.known.distances_known, total: data.known.distances_total}));
    if (data.industry.length) parts.push(t("matching_first"));
    note.textContent = parts.join(" ");
    note.hidden = parts.length === 0;
    P.version += 1;
    document.documentElement.setAttribute("data-parks-version", String(P.version));
    document.documentElement.setAttribute("data-parks-loaded", "true");
  }

  function wireForm() {
    P.form.addEventListener("submit", function (ev) { ev.preventDefault(); });   // no inline handler (CSP)
    var search = document.getElementById("qj-industry-search");
    search.addEventListener("input", function (ev) {
      ev.stopPropagation();   // filtering the list is not a change of the query
      var needle = search.value.trim().toLowerCase();
      document.querySelectorAll(".qj-industry-option").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
    // a disabled link stays focusable (so it is found) but does nothing, also from the keyboard
    document.getElementById("qj-compare").addEventListener("click", function (ev) {
      if (this.getAttribute("aria-disabled") === "true") ev.preventDefault();
    });
    var timer = null;
    function schedule() { clearTimeout(timer); timer = setTimeout(P.refresh, 60); }
    P.form.addEventListener("input", schedule);
    P.form.addEventListener("change", schedule);
    document.querySelectorAll("#qj-parks-table th[data-sort]").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-sort");
        P.desc = P.sort === key ? !P.desc : false;
        P.sort = key;
        P.refresh();
      });
    });
  }

  P.initIndex = function (map, cfg) {
    P.map = map;
    P.cfg = cfg;
    P.useAtlas(map, cfg);
    P.form = document.getElementById("qj-parks-form");
    readUrl();
    wireForm();
    P.buildLegend(map);
    fetch(cfg.parks_url, {headers: {"Accept": "application/geo+json"}})
      .then(function (resp) { return resp.json(); })
      .then(P.drawParks)
      .then(P.refresh);
  };
})();
