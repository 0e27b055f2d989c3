/* Corridor comparison (planner view): draws each corridor's catchment and served features on its own
 * synchronised map, fills the comparison table and chart from the compare API, and lets the planner add
 * a proposed line (drawn or uploaded). Every value from data or the server is inserted with textContent. */
(function () {
  "use strict";

  // drawn features stay out of the Tab order (Chromium makes interactive SVG paths unnamed tab stops)
  L.Path.addInitHook(function () {
    this.on("add", function () { if (this._path) this._path.setAttribute("tabindex", "-1"); });
  });

  var SERVED = ["parks", "hubs", "communities", "towns"];
  var COLOURS = ["#b2182b", "#2166ac", "#1b7837", "#e08214", "#762a83", "#6a3d9a", "#01665e"];
  var PROPOSED_COLOUR = "#6a3d9a";
  var QJC = {panels: [], proposalPanel: null, config: null, result: null, proposal: null, context: {}, seq: 0, chart: null};
  window.QJCorridors = QJC;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* Texts come translated from the server (corridor_strings() in atlas/web/corridors.py). */
  function t(key) { return (QJC.config && QJC.config.strings && QJC.config.strings[key]) || key; }

  function fmt(key, values) {
    return t(key).replace(/\{(\w+)\}/g, function (all, name) { return values[name] !== undefined ? values[name] : all; });
  }

  function isEnglish() { return !!(QJC.config && QJC.config.lang === "en"); }

  function label(vocab, key) {
    if (key === "proposed") return t("proposed");
    if (key === "drawn") return t("drawn");
    var pair = QJC.config.vocab[vocab] && QJC.config.vocab[vocab][key];
    return pair ? pair[isEnglish() ? 1 : 0] : (key === null || key === undefined ? t("unknown") : String(key));
  }

  function num(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(isEnglish() ? "en" : "zh-CN", {maximumFractionDigits: digits, minimumFractionDigits: digits});
  }

  /* A feature's name in the page language (English falls back to Chinese). */
  function nameOf(props) {
    if (!props) return "";
    return isEnglish() ? (props.name_en || props.name_zh || "") : (props.name_zh || props.name_en || "");
  }

  /* A compared corridor's name; a proposed line keeps the name its author gave it. */
  function corridorName(c) {
    if (c.id === "proposed" && c.name_zh === QJC.config.proposed_default_name) return t("proposed_line");
    if (c.id === "proposed") return c.name_zh;
    return nameOf(c) || c.id;
  }

  /* id -> name of every served feature: the comparison's Chinese names, English ones from the context layers. */
  function servedNames(result) {
    if (!isEnglish()) return result.names;
    var names = {};
    Object.keys(result.names).forEach(function (id) { names[id] = result.names[id]; });
    Object.keys(QJC.context).forEach(function (layerId) {
      var fc = QJC.context[layerId];
      ((fc && fc.features) || []).forEach(function (f) {
        var props = f.properties || {};
        if (props.id && props.name_en) names[props.id] = props.name_en;
      });
    });
    return names;
  }

  function setState(state) {
    var root = document.documentElement;
    root.setAttribute("data-corridors-state", state);
    if (state === "ready") root.setAttribute("data-corridors-renders", String((+root.getAttribute("data-corridors-renders") || 0) + 1));
  }

  function showMessage(text) {
    var box = document.getElementById("qj-message");
    box.textContent = text || "";
    box.hidden = !text;
  }

  /* ---- maps ---- */

  QJC.addMap = function (map, panel, drawn) {
    var entry = {map: map, corridor: panel.corridor, role: panel.role, drawn: drawn,
                 base: L.featureGroup().addTo(map), overlay: L.featureGroup().addTo(map), title: el("div", "qj-panel-title")};
    var control = L.control({position: "topright"});
    control.onAdd = function () { return entry.title; };
    control.addTo(map);
    map.getContainer().setAttribute("data-corridor", panel.corridor || "proposed");
    map.getContainer().classList.add(panel.role === "proposal" ? "qj-proposal-map" : "qj-corridor-map");
    setTitle(entry, panel.corridor || t("proposed_line"), panel.role === "proposal" ? t("draw_here") : "");
    QJC.panels.push(entry);
    if (panel.role === "proposal") QJC.proposalPanel = entry;
  };

  function setTitle(entry, title, sub) {
    entry.title.replaceChildren(el("strong", null, title), el("span", "qj-panel-sub", sub));
    entry.map.getContainer().setAttribute("aria-label", title + (sub ? " · " + sub : ""));  // each map is named
  }

  /* Leaflet's and Leaflet.draw's buttons carry English titles: name them in the page language. */
  function labelPanels() {
    function name(node, label) {
      if (!node) return;
      node.title = label;
      node.setAttribute("aria-label", label);
    }
    QJC.panels.forEach(function (entry) {
      var box = entry.map.getContainer();
      name(box.querySelector(".leaflet-control-zoom-in"), t("zoom_in"));
      name(box.querySelector(".leaflet-control-zoom-out"), t("zoom_out"));
      var draw = box.querySelector(".leaflet-draw-draw-polyline");
      name(draw, t("draw_line"));
      if (draw) draw.setAttribute("role", "button");
    });
  }

  function tooltip(text) { return el("span", null, text); }

  function servedLayer(layerId, ids, colour) {
    var wanted = {};
    ids.forEach(function (id) { wanted[id] = true; });
    var fc = QJC.context[layerId];
    var feats = ((fc && fc.features) || []).filter(function (f) { return f.geometry && wanted[f.properties.id]; });
    if (layerId === "towns") {
      return L.featureGroup(feats.map(function (f) {
        return L.circleMarker([f.properties.label_lat, f.properties.label_lon],
          {radius: 4, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1, className: "qj-served qj-served-towns"})
          .bindTooltip(tooltip(nameOf(f.properties)));
      }));
    }
    return L.geoJSON({type: "FeatureCollection", features: feats}, {
      style: {color: colour, weight: 1.5, fill: layerId !== "hubs", fillOpacity: 0.2, dashArray: layerId === "hubs" ? "4 4" : null,
              className: "qj-served qj-served-" + layerId},
      pointToLayer: function (f, latlng) {
        var small = layerId === "stations";
        return L.circleMarker(latlng, {radius: small ? 4 : 7, color: colour, weight: 2, fillColor: small ? colour : "#fff",
                                        fillOpacity: 0.9, className: "qj-served qj-served-" + layerId});
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltip(nameOf(f.properties))); },
    });
  }

  function lineStyle(colour, id, extra) {
    return {color: colour, weight: 4, opacity: 0.95, className: "qj-cor-line qj-cor-" + id, dashArray: extra || null};
  }

  function drawCorridor(entry, c, colour) {
    var group = entry.overlay;
    L.geoJSON(c.catchment, {style: {color: colour, weight: 1, fillColor: colour, fillOpacity: 0.12,
                                     className: "qj-cor-catchment qj-catchment-" + c.id}, interactive: false}).addTo(group);
    L.geoJSON(c.geometry, {style: lineStyle(colour, c.id, c.status === "proposed" || c.status === "planned" ? "8 6" : null)})
      .bindTooltip(tooltip(corridorName(c))).addTo(group);
    SERVED.forEach(function (layerId) { servedLayer(layerId, c.served[layerId], colour).addTo(group); });
    servedLayer("stations", c.stations, "#222").addTo(group);
    setTitle(entry, corridorName(c), label("status", c.status) + " · " + t("in_district") + " " +
             num(c.length_in_district_km, 1) + " " + t("km"));
  }

  function drawReferences(entry, corridors) {
    corridors.forEach(function (c) {
      if (c.id === "proposed") return;
      L.geoJSON(c.geometry, {style: {color: "#777", weight: 2, opacity: 0.7, dashArray: "2 4", className: "qj-ref-line"},
                             interactive: false}).addTo(entry.overlay);
    });
  }

  function drawMaps(result) {
    var byId = {};
    result.corridors.forEach(function (c, i) { byId[c.id] = {c: c, colour: c.id === "proposed" ? PROPOSED_COLOUR : COLOURS[i % COLOURS.length]}; });
    QJC.panels.forEach(function (entry) {
      entry.overlay.clearLayers();
      var key = entry.role === "proposal" ? "proposed" : entry.corridor;
      if (entry.role === "proposal") drawReferences(entry, result.corridors);
      if (byId[key]) drawCorridor(entry, byId[key].c, byId[key].colour);
      else if (entry.role === "proposal") setTitle(entry, t("proposed_line"), t("draw_with_tool"));
    });
    return byId;
  }

  function drawDistrict() {
    var fc = QJC.context.district;
    if (!fc) return;
    QJC.panels.forEach(function (entry) {
      L.geoJSON(fc, {style: {color: "#444", weight: 1.5, fill: false, dashArray: "6 3", className: "qj-district"},
                     interactive: false}).addTo(entry.base);
    });
  }

  /* ---- table ---- */

  function membership(result, cid, layerId, id) {
    if (result.only_in[cid][layerId].indexOf(id) >= 0) return "qj-only";
    if (result.shared[layerId].indexOf(id) >= 0) return "qj-shared";
    return "qj-some";
  }

  function listCell(td, ids, names, classOf) {
    td.appendChild(el("span", "qj-count", ids.length)).setAttribute("data-count", String(ids.length));
    ids.forEach(function (id) {
      var cls = classOf ? classOf(id) : "";
      var item = td.appendChild(el("span", "qj-item " + cls, names[id] || id));
      item.setAttribute("data-id", id);
      if (cls) item.appendChild(el("span", "qj-sr-only", " (" + t(cls) + ")"));   // the colour in words
    });
  }

  function row(table, metric, heading, corridors, fill) {
    var tr = table.appendChild(el("tr"));
    tr.setAttribute("data-metric", metric);
    tr.appendChild(el("th", null, heading)).setAttribute("scope", "row");
    corridors.forEach(function (c) {
      var td = tr.appendChild(el("td"));
      td.setAttribute("data-corridor", c.id);
      fill(td, c);
    });
  }

  function renderTable(result) {
    var table = document.getElementById("qj-compare-table");
    var names = servedNames(result);
    var cs = result.corridors;
    table.replaceChildren();
    table.appendChild(el("caption", "small", t("table_caption") + " · " + t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m")));
    var head = table.appendChild(el("thead")).appendChild(el("tr"));
    head.appendChild(el("th", null, t("measure"))).setAttribute("scope", "col");
    cs.forEach(function (c) {
      var th = head.appendChild(el("th", null, corridorName(c)));
      th.setAttribute("scope", "col");
      th.setAttribute("data-corridor", c.id);
    });
    var body = table.appendChild(el("tbody"));
    row(body, "status", t("status_opened"), cs, function (td, c) {
      td.textContent = label("status", c.status) + (c.opened ? " · " + String(c.opened).slice(0, 4) : "");
    });
    row(body, "accuracy", t("accuracy"), cs, function (td, c) {
      td.appendChild(el("span", "qj-badge qj-badge-" + c.accuracy, label("accuracy", c.accuracy)));
    });
    row(body, "length_in_district_km", t("length_in_district"), cs, function (td, c) {
      td.appendChild(el("span", "qj-count", num(c.length_in_district_km, 1)));
      if (c.length_in_district_km_sourced !== null) td.appendChild(el("small", "text-secondary", " " + t("sourced") + " " + num(c.length_in_district_km_sourced, 1)));
    });
    row(body, "length_km", t("length_km"), cs, function (td, c) { td.textContent = num(c.length_km, 1); });
    row(body, "stations", t("stations_row"), cs, function (td, c) {
      listCell(td, c.stations, names);
      if (c.stations_unplaced.length) {
        td.appendChild(el("div", "small text-secondary", t("also_unplaced") + " " +
          c.stations_unplaced.map(function (id) { return names[id] || id; }).join(isEnglish() ? ", " : "、")));
      }
    });
    SERVED.forEach(function (layerId) {
      row(body, layerId, t(layerId), cs, function (td, c) {
        listCell(td, c.served[layerId], names, function (id) { return membership(result, c.id, layerId, id); });
      });
    });
    row(body, "park_area_ha", t("park_area"), cs, function (td, c) { td.textContent = num(c.park_area_ha, 1); });
    row(body, "covered_km2", t("covered_km2"), cs, function (td, c) { td.textContent = num(c.coverage.covered_km2, 1); });
    row(body, "district_share", t("district_share"), cs, function (td, c) {
      td.textContent = c.coverage.district_share === null ? t("unknown") : num(c.coverage.district_share * 100, 1) + " %";
    });
    row(body, "town_shares", t("town_shares"), cs, function (td, c) {
      var list = td.appendChild(el("ol", "qj-town-shares small mb-0 ps-3"));
      c.coverage.towns.forEach(function (town) {
        var li = list.appendChild(el("li", null, nameOf(town) + " " + num(town.share * 100, 1) + " %"));
        li.setAttribute("data-id", town.id);
      });
      if (!c.coverage.towns.length) td.textContent = t("none");
    });
    row(body, "industries", t("industries"), cs, function (td, c) {
      td.textContent = c.industries.length ? c.industries.join(isEnglish() ? ", " : "、") : "—";
    });
    table.setAttribute("aria-busy", "false");
    document.getElementById("qj-buffer-caption").textContent = t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m");
  }

  function renderDifference(result) {
    var box = document.getElementById("qj-difference");
    var names = servedNames(result);
    box.replaceChildren();
    function list(title, cls, byLayer, attr) {
      var ids = [];
      SERVED.forEach(function (layerId) { ids = ids.concat(byLayer[layerId]); });
      var section = box.appendChild(el("div"));
      section.setAttribute("data-difference", attr);
      section.appendChild(el("h3", null, title));
      if (!ids.length) section.appendChild(el("span", "text-secondary", t("none")));
      ids.forEach(function (id) { section.appendChild(el("span", "qj-item " + cls, names[id] || id)); });
    }
    result.corridors.forEach(function (c) {
      list(fmt("only_by", {name: corridorName(c)}), "qj-only", result.only_in[c.id], c.id);
    });
    list(t("shared"), "qj-shared", result.shared, "shared");
  }

  /* The chart's numbers as a table (the text alternative of the canvas). */
  function renderChartTable(labels, datasets) {
    var table = document.getElementById("qj-chart-table");
    table.replaceChildren();
    table.appendChild(el("caption", "small", t("chart_caption")));
    var head = table.appendChild(el("thead")).appendChild(el("tr"));
    head.appendChild(el("th", null, t("measure"))).setAttribute("scope", "col");
    datasets.forEach(function (d) { head.appendChild(el("th", null, d.label)).setAttribute("scope", "col"); });
    var body = table.appendChild(el("tbody"));
    labels.forEach(function (label, i) {
      var tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", null, label)).setAttribute("scope", "row");
      datasets.forEach(function (d) { tr.appendChild(el("td", null, d.data[i])); });
    });
  }

  function announce(result) {
    var parts = result.corridors.map(function (c) {
      return corridorName(c) + " " + SERVED.map(function (l) { return t(l) + " " + c.served[l].length; }).join(", ");
    });
    document.getElementById("qj-compare-status").textContent =
      t("compared") + " · " + t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m") + " · " + parts.join("; ");
  }

  function renderChart(result, byId) {
    var labels = SERVED.map(function (l) { return t(l); }).concat([t("stations")]);
    var datasets = result.corridors.map(function (c) {
      return {label: corridorName(c), backgroundColor: byId[c.id].colour,
              data: SERVED.map(function (l) { return c.served[l].length; }).concat([c.stations.length])};
    });
    renderChartTable(labels, datasets);
    if (!window.Chart) return;
    if (QJC.chart) {
      QJC.chart.data.labels = labels;
      QJC.chart.data.datasets = datasets;
      QJC.chart.update("none");
      return;
    }
    QJC.chart = new window.Chart(document.getElementById("qj-chart"), {
      type: "bar", data: {labels: labels, datasets: datasets},
      options: {animation: false, responsive: true, maintainAspectRatio: false,
                scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
    });
  }

  function render(result) {
    QJC.result = result;
    var byId = drawMaps(result);
    renderTable(result);
    renderDifference(result);
    renderChart(result, byId);
    announce(result);
  }

  /* ---- requests ---- */

  function requestBody(bufferM, proposal) {
    var body = {ids: QJC.config.ids, buffer_m: bufferM};
    if (proposal) body.proposed = proposal;
    return JSON.stringify(body);
  }

  function errorText(resp) {
    return resp.json().then(function (body) {
      return (body && body.message) || ("HTTP " + resp.status);
    }, function () { return "HTTP " + resp.status; });
  }

  function bufferProblem(bufferM) {
    var value = Number(bufferM);
    if (bufferM === "" || !isFinite(value) || value < QJC.config.buffer_min_m || value > QJC.config.buffer_max_m) {
      return fmt("buffer_range", {min: QJC.config.buffer_min_m, max: QJC.config.buffer_max_m});
    }
    return null;
  }

  /* Ask for a comparison with this buffer and proposal; only a successful answer changes the page. */
  function refresh(bufferM, proposal) {
    var seq = ++QJC.seq;
    var problem = bufferProblem(bufferM);
    if (problem) {  // the server would say the same; checked here to spare a request
      showMessage(problem);
      syncControls();
      setState("error");
      return Promise.resolve();
    }
    setState("busy");
    return fetch(QJC.config.compare_url, {method: "POST", headers: {"Content-Type": "application/json"},
                                           body: requestBody(bufferM, proposal)})
      .then(function (resp) {
        if (!resp.ok) return errorText(resp).then(function (msg) { throw new Error(msg); });
        return resp.json();
      })
      .then(function (result) {
        if (seq !== QJC.seq) return;
        QJC.bufferM = result.buffer_m;
        QJC.proposal = proposal || null;
        showMessage("");
        render(result);
        syncControls();
        setState("ready");
      })
      .catch(function (err) {
        if (seq !== QJC.seq) return;
        showMessage(err.message);
        syncControls();
        setState("error");
      });
  }

  function syncControls() {
    var value = String(Math.round(QJC.bufferM));
    document.getElementById("qj-buffer-m").value = value;
    document.getElementById("qj-buffer-range").value = value;
    document.getElementById("qj-buffer-out").textContent = value;
    document.getElementById("qj-clear-proposed").disabled = !QJC.proposal;
    var params = new URLSearchParams(location.search);
    params.set("ids", QJC.config.ids.join(","));
    params.set("buffer_m", value);
    var link = QJC.proposal && QJC.result && QJC.result.proposed_url;
    if (link && link.proposed) {
      params.set("proposed", link.proposed);
      params.set("proposed_name", link.proposed_name);
    } else {
      params.delete("proposed");
      params.delete("proposed_name");
    }
    if (link && !link.proposed) showMessage(fmt("link_too_long", {max: link.max_chars}));
    history.replaceState(null, "", location.pathname + "?" + params.toString());
    var pdf = document.getElementById("qj-export-pdf");
    if (pdf) {
      params.set("lang", QJC.config.lang);
      params.delete("base");
      pdf.href = QJC.config.pdf_url + "?" + params.toString();
    }
  }

  function uploadFile(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    input.value = "";
    if (file.size > QJC.config.max_upload_bytes) {
      showMessage(fmt("too_large", {size: num(file.size / 1048576, 1)}));
      return;
    }
    var form = new FormData();
    form.append("file", file, file.name);
    setState("busy");
    fetch(QJC.config.upload_url, {method: "POST", body: form})
      .then(function (resp) {
        if (!resp.ok) return errorText(resp).then(function (msg) { throw new Error(msg); });
        return resp.json();
      })
      .then(function (feature) { return refresh(QJC.bufferM, feature); })
      .catch(function (err) { showMessage(err.message); setState("error"); });
  }

  function download(url, filename) {
    fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: requestBody(QJC.bufferM, QJC.proposal)})
      .then(function (resp) {
        if (!resp.ok) return errorText(resp).then(function (msg) { throw new Error(msg); });
        return resp.blob();
      })
      .then(function (blob) {
        var link = el("a");
        link.href = URL.createObjectURL(blob);
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      })
      .catch(function (err) { showMessage(err.message); });
  }

  function wireControls() {
    var number = document.getElementById("qj-buffer-m");
    var range = document.getElementById("qj-buffer-range");
    range.addEventListener("input", function () { document.getElementById("qj-buffer-out").textContent = range.value; });
    range.addEventListener("change", function () { refresh(Number(range.value), QJC.proposal); });
    number.addEventListener("change", function () { refresh(number.value, QJC.proposal); });
    document.getElementById("qj-buffer-form").addEventListener("submit", function (e) {
      e.preventDefault();
      refresh(number.value, QJC.proposal);
    });
    document.getElementById("qj-upload").addEventListener("change", function (e) { uploadFile(e.target); });
    document.getElementById("qj-clear-proposed").addEventListener("click", function () { refresh(QJC.bufferM, null); });
    document.getElementById("qj-export-csv").addEventListener("click", function () { download(QJC.config.csv_url, "corridor-comparison.csv"); });
    document.getElementById("qj-export-geojson").addEventListener("click", function () { download(QJC.config.geojson_url, "corridor-catchments.geojson"); });
    var panel = QJC.proposalPanel;
    if (panel) {
      panel.map.on("draw:created", function (e) {
        if (panel.drawn) panel.drawn.clearLayers();  // the validated line is drawn from the API answer instead
        refresh(QJC.bufferM, e.layer.toGeoJSON());
      });
    }
  }

  function loadContext() {
    var urls = QJC.config.layer_urls;
    return Promise.all(Object.keys(urls).map(function (id) {
      return fetch(urls[id]).then(function (resp) { return resp.ok ? resp.json() : null; })
        .then(function (fc) { QJC.context[id] = fc; }, function () { QJC.context[id] = null; });
    }));
  }

  QJC.init = function (config) {
    QJC.config = config;
    QJC.bufferM = config.buffer_m;
    labelPanels();
    wireControls();
    loadContext().then(function () {
      drawDistrict();
      return refresh(QJC.bufferM, config.proposal || null);   // a shared link may carry a proposed line
    });
  };
})();
