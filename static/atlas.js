/* Qijiang Atlas browser code: draws layers fetched from the API, popups, legend, search, URL state.
 * Every value that comes from data is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var QJ = {
    layers: {},        // id -> {cfg, group, drawn, unplaced: [features]}
    features: {},      // feature id -> {layer, leaflet layer, feature}
    pending: 0,
    ready: false,
    layerControl: null,
  };
  window.QJAtlas = QJ;

  /* Chromium puts every interactive SVG path in the Tab order, unnamed (a hundred stops before the map's
     controls): take drawn features out of it. Keyboard users reach features through the search instead. */
  L.Path.addInitHook(function () {
    this.on("add", function () { if (this._path) this._path.setAttribute("tabindex", "-1"); });
  });

  QJ.isNarrow = function () {
    return window.matchMedia && window.matchMedia("(max-width: 700px)").matches;
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* UI strings come translated from the server (Flask-Babel); data fields pick _zh or _en. */
  function t(key) {
    return (QJ.strings && QJ.strings[key]) || key;
  }

  function tr(obj, field) {
    if (!obj) return "";
    var zh = obj[field + "_zh"], en = obj[field + "_en"];
    return QJ.lang === "en" ? (en || zh || "") : (zh || en || "");
  }
  QJ.tr = tr;

  function vocabLabel(vocab, key) {
    if (key === null || key === undefined || key === "") return t("unknown");
    var pair = (QJ.vocab && QJ.vocab[vocab] && QJ.vocab[vocab][key]) || null;
    return pair ? pair[QJ.lang === "en" ? 1 : 0] : String(key);
  }

  function formatValue(field, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && value.length === 0)) {
      return t("unknown");
    }
    if (field.name === "status") return vocabLabel("status", value);
    if (field.name === "accuracy") return vocabLabel("accuracy", value);
    if (field.name === "kind") return vocabLabel("kind", value);
    if (field.name === "family") return vocabLabel("family", value);
    if (field.type === "bool") return value ? t("yes") : t("no");
    if (field.type === "list") return value.join("、");
    if (field.type === "number" || field.type === "int") {
      var num = Number(value).toLocaleString(QJ.lang === "en" ? "en" : "zh-CN", {maximumFractionDigits: 2});
      var unit = QJ.lang === "en" ? field.unit_en : field.unit_zh;
      return unit ? num + " " + unit : num;
    }
    return String(value);
  }

  function isPlanned(props) {
    var statuses = (QJ.config && QJ.config.timeline && QJ.config.timeline.planned_statuses) || ["planned", "under_construction"];
    return statuses.indexOf(props.status) >= 0;
  }

  /* ---------- the network through time (same rules as atlas/timeline.py) ---------- */
  QJ.year = null;   // null: no time filter (today's map, plans included)

  function yearOf(value) {
    if (value === null || value === undefined || typeof value === "boolean") return null;
    var m = /^\s*(\d{4})(?:\D|$)/.exec(String(value));
    return m ? parseInt(m[1], 10) : null;
  }

  /* "shown", "hidden", "planned" (dashed) or "unknown" (no sourced year: listed, not drawn) as of QJ.year */
  QJ.stateAt = function (cfg, props) {
    var timeline = QJ.config && QJ.config.timeline;
    if (QJ.year === null || !timeline || !cfg.time_field) return isPlanned(props) ? "planned" : "shown";
    if (isPlanned(props)) return QJ.year > timeline.present ? "planned" : "hidden";
    var year = yearOf(props[cfg.time_field]);
    if (year === null) return "unknown";
    return year <= QJ.year ? "shown" : "hidden";
  };
  /* How a feature is drawn, in words: its accuracy class's symbol (dotted for schematic) wins over the
     dash of planned lines, as in featureStyle. Texts per class come from the server (popup_drawn). */
  function drawnAs(props) {
    var byAccuracy = (QJ.strings && QJ.strings.popup_drawn) || {};
    if (props.accuracy && byAccuracy[props.accuracy]) return byAccuracy[props.accuracy];
    if (isPlanned(props)) return t("drawn_dashed");
    return "";
  }
  QJ.drawnAs = drawnAs;

  function featureStyle(cfg, props) {
    var s = cfg.style;
    var style = {
      color: s.color, fillColor: s.fill_color, weight: s.weight, opacity: s.opacity,
      fillOpacity: s.fill_opacity, dashArray: s.dash_array || null,
      className: "qj-f qj-layer-" + cfg.id + " qj-acc-" + (props.accuracy || "unknown"),
    };
    if ((s.outline_kinds || []).indexOf(props.kind) >= 0) style.fill = false;
    if (isPlanned(props)) style.dashArray = "10 7";
    if (props.accuracy === "schematic") {
      style.dashArray = "2 6";
      style.opacity = Math.min(style.opacity, 0.75);
    }
    if (props.accuracy === "area") {   // known only to lie somewhere in this area: hatched, dashed outline
      style.fill = true;
      style.fillColor = hatchFill(s.color);
      style.fillOpacity = 1;
      style.dashArray = "6 4";
      style.weight = Math.max(style.weight, 1.5);
    }
    return style;
  }

  /* One SVG hatch pattern per colour, in a hidden SVG of the page; paths refer to it as url(#...). */
  function hatchFill(colour) {
    var svgNS = "http://www.w3.org/2000/svg";
    var id = "qj-hatch-" + String(colour).replace(/[^0-9a-zA-Z]/g, "");
    if (!document.getElementById(id)) {
      var holder = document.getElementById("qj-patterns");
      if (!holder) {
        holder = document.createElementNS(svgNS, "svg");
        holder.setAttribute("id", "qj-patterns");
        holder.setAttribute("width", "0"); holder.setAttribute("height", "0");
        holder.setAttribute("aria-hidden", "true");
        holder.style.position = "absolute";
        holder.appendChild(document.createElementNS(svgNS, "defs"));
        document.body.appendChild(holder);
      }
      var pattern = document.createElementNS(svgNS, "pattern");
      pattern.setAttribute("id", id);
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8"); pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      var stroke = document.createElementNS(svgNS, "line");
      stroke.setAttribute("x1", "0"); stroke.setAttribute("y1", "0");
      stroke.setAttribute("x2", "0"); stroke.setAttribute("y2", "8");
      stroke.setAttribute("stroke", colour); stroke.setAttribute("stroke-width", "2");
      stroke.setAttribute("stroke-opacity", "0.55");
      pattern.appendChild(stroke);
      holder.firstChild.appendChild(pattern);
    }
    return "url(#" + id + ")";
  }
  QJ.hatchFill = hatchFill;
  QJ.featureStyle = featureStyle;

  /* Popup content as DOM nodes: every attribute, Chinese labels with units, escaped. */
  function popupContent(cfg, feature) {
    var props = feature.properties || {};
    var box = el("div", "qj-popup");
    box.setAttribute("data-feature-id", props.id || "");
    box.tabIndex = 0;    // it scrolls when long: keyboard users must be able to scroll it
    box.appendChild(el("h2", "qj-popup-title", tr(props, "name") || props.id));
    var second = QJ.lang === "en" ? props.name_zh : props.name_en;
    if (second) box.appendChild(el("div", "qj-popup-en", second));
    var badge = el("span", "qj-badge qj-badge-" + (props.accuracy || "unknown"), vocabLabel("accuracy", props.accuracy));
    box.appendChild(badge);
    var drawn = drawnAs(props);
    if (drawn) box.appendChild(el("span", "qj-popup-style", drawn));
    var table = el("table", "qj-attrs");
    var shown = {};
    cfg.fields.forEach(function (field) {
      shown[field.name] = true;
      if (field.name === "name_zh" || field.name === "name_en") return;
      var tr = el("tr");
      var th = el("th", null, QJ.lang === "en" ? field.label_en : field.label_zh);
      th.title = QJ.lang === "en" ? field.label_zh : field.label_en;
      tr.appendChild(th);
      tr.appendChild(el("td", null, formatValue(field, props[field.name])));
      table.appendChild(tr);
    });
    Object.keys(props).forEach(function (key) {   // undeclared attributes are shown too
      if (shown[key] || key === "id" || key === "family") return;
      var tr = el("tr");
      tr.appendChild(el("th", null, key));
      tr.appendChild(el("td", null, formatValue({name: key, type: Array.isArray(props[key]) ? "list" : "str"}, props[key])));
      table.appendChild(tr);
    });
    box.appendChild(table);
    box.appendChild(el("div", "qj-popup-layer", tr(cfg, "title")));
    addChangeInfo(box, props.id);
    return box;
  }

  QJ.popupContent = popupContent;

  /* "Last changed" date and the source given, for features edited in the browser or by API. */
  function addChangeInfo(box, id) {
    var url = QJ.config && QJ.config.history_summary_url;
    if (!url || !id) return;
    var line = el("div", "qj-popup-changed");
    box.appendChild(line);
    fetch(url.replace("FID", encodeURIComponent(id)), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) {
        if (!info || !info.changed) return;
        line.textContent = t("last_changed") + " " + info.date + " · " + t("change_source") + ": " + (info.source || t("unknown"));
        line.setAttribute("data-changed", info.date);
      })
      .catch(function () { /* the popup stays as it is */ });
  }

  function tooltipContent(props) {
    var span = el("span", "qj-tip", tr(props, "name") || props.id);
    var second = QJ.lang === "en" ? props.name_zh : props.name_en;
    if (second) span.appendChild(el("span", "qj-tip-en", " " + second));
    return span;
  }

  /* Panes keep points above lines above areas, and reference areas below everything. */
  var PANES = {context: 380, polygon: 400, line: 420, point: 440};
  function paneFor(cfg, geometryType) {
    var map = QJ._map;
    if (!map.getPane("qj-context")) {
      Object.keys(PANES).forEach(function (name) {
        var pane = map.createPane("qj-" + name);
        pane.style.zIndex = String(PANES[name]);
      });
    }
    if (cfg.family === "context" && geometryType.indexOf("Polygon") >= 0) return "qj-context";
    if (geometryType.indexOf("Point") >= 0) return "qj-point";
    if (geometryType.indexOf("LineString") >= 0) return "qj-line";
    return "qj-polygon";
  }

  QJ.paneFor = paneFor;
  QJ.tooltipContent = tooltipContent;
  QJ.updateLegendEntry = updateLegendEntry;
  /* Layers drawn from vector tiles (static/atlas-tiles.js) count as loaded once their tiles are set up. */
  QJ.layerDone = function (map) {
    QJ.pending -= 1;
    if (QJ.pending === 0) onAllLoaded(map);
  };

  QJ.loadLayer = function (map, group, cfg) {
    QJ._map = map;
    var entry = {cfg: cfg, group: group, drawn: 0, unplaced: [], loaded: false, error: null};
    QJ.layers[cfg.id] = entry;
    if (!cfg.ok) { entry.loaded = true; return; }
    QJ.pending += 1;
    fetch(cfg.url, {headers: {"Accept": "application/geo+json"}})
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      })
      .then(function (fc) { entry.fc = fc; drawLayer(map, entry, displayed(fc)); })
      .catch(function (err) { entry.error = String(err); })
      .then(function () {
        entry.loaded = true;
        QJ.pending -= 1;
        if (QJ.pending === 0) onAllLoaded(map);
      });
  };

  /* Fetch a layer again (after an edit) and redraw it; the legend's unplaced list is rebuilt. */
  QJ.reloadLayer = function (id) {
    var entry = QJ.layers[id];
    if (!entry) return Promise.resolve();
    if (entry.tiled) return QJ.reloadTiledLayer(entry);
    return fetch(entry.cfg.url, {headers: {"Accept": "application/geo+json"}, cache: "no-store"})
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      })
      .then(function (fc) {
        Object.keys(QJ.features).forEach(function (fid) { if (QJ.features[fid].layer === id) delete QJ.features[fid]; });
        entry.group.clearLayers();
        entry.drawn = 0;
        entry.unplaced = [];
        entry.fc = fc;
        entry.cfg.unplaced_count = fc.features.filter(function (f) { return !f.geometry; }).length;
        var old = entry.legendRow && entry.legendRow.querySelector(".qj-unplaced");
        if (old) old.parentNode.removeChild(old);
        drawLayer(QJ._map, entry, displayed(fc));
      });
  };

  /* ---------- datum: overlays follow a GCJ-02 basemap (Gaode) ---------- */
  QJ.datum = "wgs84";
  QJ.CANVAS_THRESHOLD = 3000;

  function displayed(fc) {
    if (QJ.datum !== "gcj02") return fc;
    var copy = JSON.parse(JSON.stringify(fc));
    copy.features.forEach(function (f) {
      if (f.geometry) f.geometry = gcoord.transform(f.geometry, gcoord.WGS84, gcoord.GCJ02);
      var p = f.properties || {};
      if (typeof p.label_lon === "number" && typeof p.label_lat === "number") {
        var ll = gcoord.transform([p.label_lon, p.label_lat], gcoord.WGS84, gcoord.GCJ02);
        p.label_lon = ll[0];
        p.label_lat = ll[1];
      }
    });
    return copy;
  }

  /* WGS-84 [lat, lng] -> what is drawn now, and back (for anything the user sends to the server). */
  QJ.toDisplay = function (lat, lng) {
    if (QJ.datum !== "gcj02") return [lat, lng];
    var p = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02);
    return [p[1], p[0]];
  };
  QJ.toWgs84 = function (lat, lng) {
    if (QJ.datum !== "gcj02") return [lat, lng];
    var p = gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84);
    return [p[1], p[0]];
  };

  QJ.setDatum = function (datum) {
    if (datum === QJ.datum) return;
    var map = QJ.map;
    var centre = map.getCenter();
    var wgs = QJ.toWgs84(centre.lat, centre.lng);
    QJ.datum = datum;
    redrawAll(map);
    // keep the same ground position in the middle of the screen
    map.setView(QJ.toDisplay(wgs[0], wgs[1]), map.getZoom(), {animate: false});
    document.documentElement.setAttribute("data-datum", datum);
  };

  function redrawAll(map) {
    Object.keys(QJ.layers).forEach(function (id) {
      var entry = QJ.layers[id];
      if (!entry.fc) return;
      entry.group.clearLayers();
      Object.keys(QJ.features).forEach(function (fid) { if (QJ.features[fid].layer === id) delete QJ.features[fid]; });
      entry.drawn = 0;
      entry.unplaced = [];
      drawLayer(map, entry, displayed(entry.fc));
    });
  }

  /* Show the network as of ``year`` (null = today's map, no filter): redraw, legend, URL. */
  QJ.setYear = function (year) {
    QJ.year = year === null || year === undefined || year === "" ? null : parseInt(year, 10);
    redrawAll(QJ.map);
    updateYearControl();
    document.documentElement.setAttribute("data-year", QJ.year === null ? "" : String(QJ.year));
    writeUrl();
  };

  function datumOf(layer) {
    var datum = "wgs84";
    QJ.config.basemaps.forEach(function (b) { if (window[b.var] === layer) datum = b.datum; });
    return datum;
  }

  function drawLayer(map, entry, fc) {
    var cfg = entry.cfg;
    var byPane = {};
    entry.unknownYear = [];
    entry.later = 0;
    fc.features.forEach(function (f) {
      if (!f.geometry) { entry.unplaced.push(f); return; }
      var state = QJ.stateAt(cfg, f.properties || {});
      if (state === "unknown") { entry.unknownYear.push(f); return; }
      if (state === "hidden") { entry.later += 1; return; }
      var pane = paneFor(cfg, f.geometry.type);
      (byPane[pane] = byPane[pane] || []).push(f);
    });
    // big layers (an imported city's POIs or buildings) draw on one canvas instead of one SVG node each
    var big = fc.features.length > QJ.CANVAS_THRESHOLD;
    entry.renderer = big ? "canvas" : "svg";
    Object.keys(byPane).forEach(function (pane) {
      var renderer = big ? L.canvas({pane: pane, padding: 0.3}) : undefined;
      var gj = L.geoJSON({type: "FeatureCollection", features: byPane[pane]}, {
        pane: pane,
        renderer: renderer,
        style: function (f) { return featureStyle(cfg, f.properties || {}); },
        pointToLayer: function (f, latlng) {
          var st = featureStyle(cfg, f.properties || {});
          st.pane = pane;
          st.renderer = renderer;
          st.radius = big ? Math.min(cfg.style.radius, 4) : cfg.style.radius;
          st.fillOpacity = Math.max(cfg.style.fill_opacity, 0.7);
          return L.circleMarker(latlng, st);
        },
        onEachFeature: function (f, layer) { bindFeature(entry, f, layer, big); },
      });
      entry.group.addLayer(gj);
    });
    updateLegendEntry(entry);
  }

  function bindFeature(entry, f, layer, big) {
    var cfg = entry.cfg;
    var props = f.properties || {};
    layer.bindPopup(function () { return popupContent(cfg, f); }, {maxWidth: 360, autoPanPadding: [20, 20]});
    // tooltips are built on first hover for big layers (building 100,000 up front costs seconds)
    if (big) {
      layer.once("mouseover", function (ev) {
        layer.bindTooltip(tooltipContent(props), {sticky: true, direction: "top"}).openTooltip(ev.latlng);
      });
    } else {
      layer.bindTooltip(tooltipContent(props), {sticky: true, direction: "top"});
    }
    entry.drawn += 1;
    QJ.features[props.id] = {layer: cfg.id, leaflet: layer, feature: f};
    if (!big) {
      layer.on("add", function () {
        var node = layer.getElement && layer.getElement();
        if (node) node.setAttribute("data-feature-id", props.id || "");
      });
    }
    if (!big && cfg.label_field && props.label_lat !== undefined && props.label_lon !== undefined) {
      var label = L.marker([props.label_lat, props.label_lon], {
        icon: L.divIcon({className: "qj-label", html: "", iconSize: null}),
        interactive: false, keyboard: false,
      });
      label.on("add", function () {
        var node = label.getElement();
        if (node) node.textContent = props[cfg.label_field] || "";
      });
      entry.group.addLayer(label);
    }
  }

  /* ---------- legend ---------- */
  function swatch(cfg, variant) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "qj-swatch qj-swatch-" + cfg.symbol);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape;
    var s = cfg.style;
    if (cfg.symbol === "line") {
      shape = document.createElementNS(svgNS, "line");
      shape.setAttribute("x1", "2"); shape.setAttribute("y1", "7");
      shape.setAttribute("x2", "26"); shape.setAttribute("y2", "7");
    } else if (cfg.symbol === "point") {
      shape = document.createElementNS(svgNS, "circle");
      shape.setAttribute("cx", "14"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
    } else {
      shape = document.createElementNS(svgNS, "rect");
      shape.setAttribute("x", "3"); shape.setAttribute("y", "2");
      shape.setAttribute("width", "22"); shape.setAttribute("height", "10");
    }
    shape.setAttribute("stroke", s.color);
    shape.setAttribute("stroke-width", Math.min(s.weight, 4));
    shape.setAttribute("fill", variant === "area" ? hatchFill(s.color) : cfg.symbol === "line" ? "none" : s.fill_color);
    shape.setAttribute("fill-opacity", variant === "area" || cfg.symbol === "point" ? (variant === "area" ? "1" : "0.8")
      : String(Math.max(s.fill_opacity, 0.15)));
    var dash = variant === "planned" ? "10 7" : variant === "schematic" ? "2 6" : variant === "area" ? "4 2" :
      (s.dash_array || "");
    if (dash) shape.setAttribute("stroke-dasharray", dash.replace("10 7", "6 3").replace("2 6", "2 3"));
    svg.appendChild(shape);
    return svg;
  }

  function buildLegend(map) {
    var Legend = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        var box = el("div", "qj-legend leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var head = el("button", "qj-legend-toggle", t("legend"));
        head.type = "button";
        head.setAttribute("aria-expanded", QJ.isNarrow() ? "false" : "true");
        box.appendChild(head);
        var body = el("div", "qj-legend-body");
        body.appendChild(el("div", "qj-legend-year", t("year_all")));
        body.id = "qj-legend-body-" + L.stamp(map);
        head.setAttribute("aria-controls", body.id);
        if (QJ.isNarrow()) body.hidden = true;
        head.addEventListener("click", function () {
          body.hidden = !body.hidden;
          head.setAttribute("aria-expanded", body.hidden ? "false" : "true");
        });
        var lastFamily = null;
        QJ.config.layers.forEach(function (cfg) {
          if (cfg.family !== lastFamily) {
            body.appendChild(el("div", "qj-legend-family", tr(cfg, "family_title")));
            lastFamily = cfg.family;
          }
          var row = el("div", "qj-legend-row");
          row.setAttribute("data-layer", cfg.id);
          row.appendChild(swatch(cfg));
          row.appendChild(el("span", "qj-legend-title", tr(cfg, "title")));
          row.appendChild(el("span", "qj-legend-meta"));
          body.appendChild(row);
          QJ.layers[cfg.id] && (QJ.layers[cfg.id].legendRow = row);
          updateLegendEntry(QJ.layers[cfg.id]);
        });
        var keys = el("div", "qj-legend-keys");
        keys.appendChild(el("div", "qj-legend-family", t("line_style")));
        var sample = {symbol: "line", style: {color: "#555555", fill_color: "#555555", weight: 3, fill_opacity: 0}};
        [["operating", t("existing"), t("line_solid")], ["planned", t("planned"), t("line_dashed")],
         ["schematic", t("schematic"), t("line_dotted")]]
          .forEach(function (item) {
            var row = el("div", "qj-legend-row qj-legend-key-" + item[0]);
            row.appendChild(swatch(sample, item[0]));
            row.appendChild(el("span", "qj-legend-title", item[1]));
            row.appendChild(el("span", "qj-legend-text", "(" + item[2] + ")"));
            keys.appendChild(row);
          });
        var areaSample = {symbol: "polygon", style: {color: "#555555", fill_color: "#555555", weight: 1.5, fill_opacity: 0}};
        var areaRow = el("div", "qj-legend-row qj-legend-key-area");
        areaRow.appendChild(swatch(areaSample, "area"));
        areaRow.appendChild(el("span", "qj-legend-title", t("area_only")));
        keys.appendChild(areaRow);
        body.appendChild(keys);
        body.appendChild(accuracyKey());
        var dataLink = el("a", "qj-legend-data-link", t("data_link"));
        dataLink.href = t("data_url");
        body.appendChild(dataLink);
        box.appendChild(body);
        return box;
      },
    });
    QJ.legend = new Legend();
    QJ.legend.addTo(map);
  }

  /* Every accuracy class of the vocabulary in words with how it is drawn (new classes appear by themselves). */
  function accuracyKey() {
    var box = el("div", "qj-legend-accuracy");
    box.appendChild(el("div", "qj-legend-family", t("accuracy_title")));
    var list = el("ul", "qj-legend-list");
    list.setAttribute("aria-label", t("accuracy_title"));
    var drawn = (QJ.strings && QJ.strings.accuracy_drawn) || {};
    (QJ.vocab.accuracy_order || Object.keys(QJ.vocab.accuracy || {})).forEach(function (key) {
      var how = drawn[key];
      list.appendChild(el("li", "qj-legend-acc-" + key, vocabLabel("accuracy", key) + (how ? ": " + how : "")));
    });
    box.appendChild(list);
    return box;
  }

  function updateLegendEntry(entry) {
    if (!entry || !entry.legendRow) return;
    var meta = entry.legendRow.querySelector(".qj-legend-meta");
    var cfg = entry.cfg;
    if (!cfg.ok) {
      meta.textContent = t("unavailable") + ": " + cfg.reason;
      entry.legendRow.classList.add("qj-unavailable");
      return;
    }
    var text = t("as_of") + " " + (cfg.as_of || t("unknown"));
    if (cfg.unplaced_count) text += " · " + t("unplaced") + " " + cfg.unplaced_count;
    if (QJ.year !== null && entry.later) text += " · " + t("year_later").replace("{n}", entry.later);
    meta.textContent = text;
    var old = entry.legendRow.querySelector(".qj-year-unknown");
    if (old) old.remove();
    if (entry.unknownYear && entry.unknownYear.length) {
      var box = el("details", "qj-year-unknown");
      box.setAttribute("data-layer", cfg.id);
      box.appendChild(el("summary", null, t("year_unknown") + " (" + entry.unknownYear.length + ")"));
      var items = el("ul");
      entry.unknownYear.forEach(function (f) {
        var li = el("li", null, (tr(f.properties, "name") || f.properties.id));
        li.setAttribute("data-feature-id", f.properties.id || "");
        items.appendChild(li);
      });
      box.appendChild(items);
      entry.legendRow.appendChild(box);
    }
    if (entry.unplaced.length && !entry.legendRow.querySelector(".qj-unplaced")) {
      var details = el("details", "qj-unplaced");
      details.appendChild(el("summary", null, t("unplaced_features") + " (" + entry.unplaced.length + ")"));
      var list = el("ul");
      entry.unplaced.forEach(function (f) {
        var li = el("li", null, (tr(f.properties, "name") || f.properties.id));
        li.title = tr(f.properties, "description") || "";
        list.appendChild(li);
      });
      details.appendChild(list);
      entry.legendRow.appendChild(details);
    }
  }

  /* ---------- search: a combobox (WAI-ARIA 1.2) whose options open the same popup as a click ---------- */
  function searchParts() {
    var box = el("div", "qj-search leaflet-bar");
    box.setAttribute("role", "search");
    var input = el("input", "qj-search-input");
    input.type = "search";
    input.placeholder = t("search");
    var attrs = {"aria-label": t("search_label"), role: "combobox", "aria-autocomplete": "list",
                 "aria-expanded": "false", "aria-controls": "qj-search-results"};
    Object.keys(attrs).forEach(function (name) { input.setAttribute(name, attrs[name]); });
    var list = el("ul", "qj-search-results");
    list.id = "qj-search-results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t("search_results"));
    var status = el("div", "qj-sr-only qj-search-status");
    status.setAttribute("role", "status");
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    return {box: box, input: input, list: list, status: status};
  }

  function hitOption(hit, i) {
    var li = el("li", "qj-search-hit");
    li.id = "qj-search-hit-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.setAttribute("data-feature-id", hit.id);
    li.appendChild(el("span", "qj-hit-name", tr(hit, "name")));
    li.appendChild(el("span", "qj-hit-en", " " + (QJ.lang === "en" ? hit.name_zh : hit.name_en || "")));
    li.appendChild(el("span", "qj-hit-layer", " · " + tr(hit, "layer_title") + (hit.placed ? "" : " · " + t("unplaced"))));
    return li;
  }

  /* The combobox's state: the last hits and the option chosen with the arrow keys. */
  function SearchState(ui) {
    this.ui = ui;
    this.hits = [];
    this.active = -1;
  }
  SearchState.prototype.options = function () { return this.ui.list.querySelectorAll(".qj-search-hit"); };
  SearchState.prototype.clear = function () {
    this.ui.list.textContent = "";
    this.active = -1;
    this.ui.input.setAttribute("aria-expanded", "false");
    this.ui.input.removeAttribute("aria-activedescendant");
  };
  SearchState.prototype.move = function (delta) {
    var opts = this.options();
    if (!opts.length) return;
    this.active = (this.active + delta + opts.length) % opts.length;
    var active = this.active;
    Array.prototype.forEach.call(opts, function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
    this.ui.input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({block: "nearest"});
  };
  SearchState.prototype.choose = function (hit, fromKeyboard) {
    this.clear();
    QJ.focusFeature(hit.id, hit, fromKeyboard ? this.ui.input : null);
  };
  SearchState.prototype.show = function (hits) {
    var self = this, ui = this.ui;
    this.hits = hits;
    this.clear();
    if (!hits.length) ui.list.appendChild(el("li", "qj-search-empty", t("no_match")));
    hits.forEach(function (hit, i) {
      var li = hitOption(hit, i);
      li.addEventListener("click", function () { self.choose(hit, false); });
      ui.list.appendChild(li);
    });
    ui.input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    ui.status.textContent = hits.length ? t("results_count").replace("{n}", hits.length) : t("no_match");
  };
  SearchState.prototype.run = function (then) {
    var self = this, q = this.ui.input.value.trim();
    if (!q) { this.clear(); return; }
    fetch(QJ.config.search_url + "?q=" + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (self.ui.input.value.trim() !== q) return;   // typed on meanwhile
        self.show(data.results || []);
        if (then) then();
      });
  };
  SearchState.prototype.onKey = function (ev) {
    var self = this;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      var delta = ev.key === "ArrowDown" ? 1 : -1;
      if (!this.options().length) this.run(function () { self.move(delta); });
      else this.move(delta);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      clearTimeout(this.timer);
      // Enter opens the highlighted option, else the best match (searching first if needed)
      if (this.hits.length && this.options().length) this.choose(this.hits[Math.max(this.active, 0)], true);
      else this.run(function () { if (self.hits.length) self.choose(self.hits[0], true); });
    } else if (ev.key === "Escape" && this.options().length) {
      ev.preventDefault();
      ev.stopPropagation();
      this.clear();
    }
  };

  function buildSearch(map) {
    var Search = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var ui = searchParts();
        var state = new SearchState(ui);
        L.DomEvent.disableClickPropagation(ui.box);
        L.DomEvent.disableScrollPropagation(ui.box);
        ui.input.addEventListener("input", function () {
          clearTimeout(state.timer);
          state.timer = setTimeout(function () { state.run(); }, 200);
        });
        ui.input.addEventListener("keydown", function (ev) { state.onKey(ev); });
        QJ.searchInput = ui.input;
        return ui.box;
      },
    });
    new Search().addTo(map);
  }

  /* Open a feature's popup (the same one a click opens). ``returnTo``: the element that asked from the
     keyboard; focus moves into the popup and goes back there when Escape closes it. */
  QJ.focusFeature = function (id, hit, returnTo) {
    var map = QJ.map;
    var item = QJ.features[id];
    QJ._returnFocus = returnTo || null;
    if ((!item || !item.leaflet) && hit && hit.placed && QJ.layers[hit.layer] && QJ.layers[hit.layer].tiled) {
      return QJ.focusTiledFeature(id, hit);   // a layer drawn from tiles holds no feature objects
    }
    if (!item) {
      var info = hit || {name_zh: id};
      var note = el("div", "qj-popup");
      note.appendChild(el("h2", "qj-popup-title", tr(info, "name") || id));
      note.appendChild(el("p", null, t("unplaced_long")));
      L.popup().setLatLng(map.getCenter()).setContent(note).openOn(map);
      return false;
    }
    var group = QJ.layers[item.layer].group;
    if (!map.hasLayer(group)) map.addLayer(group);
    if (item.leaflet.getBounds) {
      map.fitBounds(item.leaflet.getBounds(), {maxZoom: 14, padding: [30, 30]});
    } else {
      map.setView(item.leaflet.getLatLng(), Math.max(map.getZoom(), 14));
    }
    item.leaflet.openPopup();
    return true;
  };

  /* Popups are dialogs named after their feature, so a screen reader reads them out when they open. */
  function accessiblePopups(map) {
    map.on("popupopen", function (ev) {
      var node = ev.popup.getElement();
      if (!node) return;
      var title = node.querySelector(".qj-popup-title, .qj-measure-result");
      node.setAttribute("role", "dialog");
      node.setAttribute("aria-label", title ? title.textContent : t("popup"));
      node.setAttribute("tabindex", "-1");
      var close = node.querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", t("close")); close.title = t("close"); }
      if (QJ._returnFocus) node.focus({preventScroll: true});
    });
    map.on("popupclose", function () {
      var back = QJ._returnFocus;
      QJ._returnFocus = null;
      if (back && document.contains(back)) back.focus();
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" || !map._popup || !map.hasLayer(map._popup)) return;
      map.closePopup();
    });
  }

  /* The layer control's families and base maps as named groups (re-applied whenever the plugin rebuilds). */
  function groupLayerLists(box) {
    if (!box) return;
    var bases = box.querySelector(".leaflet-control-layers-base");
    if (bases) { bases.setAttribute("role", "radiogroup"); bases.setAttribute("aria-label", t("basemap")); }
    box.querySelectorAll(".leaflet-control-layers-group").forEach(function (group) {
      var name = group.querySelector(".leaflet-control-layers-group-name");
      if (!name) return;
      name.id = group.id + "-name";
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", name.id);
    });
  }

  function patchGroupedLayers() {
    var GL = L.Control.GroupedLayers;
    if (!GL || GL.qjPatched) return;
    var update = GL.prototype._update;
    GL.prototype._update = function () {
      var result = update.apply(this, arguments);
      groupLayerLists(this._container);
      return result;
    };
    GL.qjPatched = true;
  }

  /* Leaflet's own controls carry English titles: name them in the page language. */
  function labelControls(map) {
    function name(node, label) {
      if (!node) return;
      node.title = label;
      node.setAttribute("aria-label", label);
    }
    if (map.zoomControl) {
      name(map.zoomControl._zoomInButton, t("zoom_in"));
      name(map.zoomControl._zoomOutButton, t("zoom_out"));
    }
    var container = map.getContainer();
    name(container.querySelector(".leaflet-control-layers-toggle"), t("layers"));
    var layers = container.querySelector(".leaflet-control-layers");
    if (layers) layers.setAttribute("aria-label", t("layers"));
    patchGroupedLayers();
    groupLayerLists(layers);
    container.setAttribute("aria-label", t("map_label"));
    // the fullscreen plugin updates the title only: keep the accessible name in step
    map.on("enterFullscreen exitFullscreen", function () {
      var link = container.querySelector(".leaflet-control-zoom-fullscreen");
      if (link) link.setAttribute("aria-label", link.title);
    });
  }
  QJ.labelControls = labelControls;

  /* ---------- zoom to district ---------- */
  function buildHome(map) {
    var Home = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var box = el("div", "leaflet-bar qj-home");
        var a = el("a", null, "⌂");
        a.href = "#";
        a.title = t("zoom_to_district");
        a.setAttribute("role", "button");
        a.setAttribute("aria-label", a.title);
        L.DomEvent.on(a, "click", function (ev) {
          L.DomEvent.preventDefault(ev);
          map.fitBounds(QJ.config.district_bounds);
        });
        box.appendChild(a);
        return box;
      },
    });
    new Home().addTo(map);
  }

  /* ---------- language switch (中文 / English), remembered by the server in a cookie ---------- */
  function buildLangSwitch(map) {
    var Lang = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var box = el("div", "leaflet-bar qj-lang");
        var a = el("a", "qj-lang-link", t("switch_lang"));
        a.title = t("switch_lang_title");
        a.setAttribute("role", "button");
        a.href = QJ.strings.switch_lang_url || "#";
        L.DomEvent.on(a, "click", function (ev) {
          // carry the current view (kept in our own query string) into the other language
          var params = new URLSearchParams(window.location.search);
          params.set("lang", QJ.lang === "en" ? "zh" : "en");
          a.href = window.location.pathname + "?" + params.toString();
        });
        box.appendChild(a);
        return box;
      },
    });
    new Lang().addTo(map);
  }

  /* ---------- URL state: centre, zoom, visible layers, basemap ---------- */
  function activeBasemap(map) {
    var found = null;
    QJ.config.basemaps.forEach(function (b) { if (map.hasLayer(window[b.var])) found = b.key; });
    return found;
  }

  function writeUrl() {
    if (!QJ.map || !QJ.ready) return;
    var map = QJ.map;
    var c = map.getCenter();
    var wgs = QJ.toWgs84(c.lat, c.lng);
    var params = new URLSearchParams(window.location.search);
    params.set("lat", wgs[0].toFixed(5));
    params.set("lon", wgs[1].toFixed(5));
    params.set("z", String(map.getZoom()));
    var visible = [];
    QJ.config.layers.forEach(function (cfg) { if (map.hasLayer(QJ.layers[cfg.id].group)) visible.push(cfg.id); });
    params.set("layers", visible.join(","));
    var base = activeBasemap(map);
    if (base) params.set("base", base);
    if (QJ.year === null) params.delete("year"); else params.set("year", String(QJ.year));
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  }

  function readUrl(map) {
    var params = new URLSearchParams(window.location.search);
    var year = parseInt(params.get("year"), 10);
    QJ.year = isFinite(year) && year >= 1900 && year <= 2100 ? year : null;
    document.documentElement.setAttribute("data-year", QJ.year === null ? "" : String(QJ.year));
    var lat = parseFloat(params.get("lat"));
    var lon = parseFloat(params.get("lon"));
    var z = parseInt(params.get("z"), 10);
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      // no animation: a zoom animation still running would swallow the user's first moves
      map.setView(QJ.toDisplay(lat, lon), isFinite(z) ? Math.max(map.getMinZoom(), Math.min(z, map.getMaxZoom())) : map.getZoom(),
                  {animate: false});
    } else {
      map.fitBounds(QJ.config.district_bounds, {animate: false});
    }
    if (params.has("layers")) {
      var wanted = params.get("layers").split(",");
      QJ.config.layers.forEach(function (cfg) {
        var group = QJ.layers[cfg.id].group;
        var want = wanted.indexOf(cfg.id) >= 0 && cfg.ok;
        if (want && !map.hasLayer(group)) map.addLayer(group);
        if (!want && map.hasLayer(group)) map.removeLayer(group);
      });
    }
  }

  /* ---------- year slider ---------- */
  function updateYearControl() {
    var c = QJ.yearControl;
    if (!c) return;
    var on = QJ.year !== null;
    c.toggle.checked = on;
    c.range.disabled = !on;
    if (on) c.range.value = String(QJ.year);
    c.out.textContent = on ? String(QJ.year) : t("year_all");
    var heading = QJ.legend && QJ.legend.getContainer().querySelector(".qj-legend-year");
    if (heading) heading.textContent = on ? t("year_as_of").replace("{year}", QJ.year) : t("year_all");
  }

  function buildYearSlider(map) {
    var timeline = QJ.config.timeline;
    var Slider = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        var box = el("div", "qj-year leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var label = el("label", "qj-year-label");
        var toggle = el("input", "qj-year-toggle");
        toggle.type = "checkbox";
        label.appendChild(toggle);
        label.appendChild(el("span", null, " " + t("year_label") + " "));
        var out = el("output", "qj-year-out");
        label.appendChild(out);
        var range = el("input", "qj-year-range");
        range.type = "range";
        range.min = String(timeline.min);
        range.max = String(timeline.max);
        range.step = "1";
        range.value = String(timeline.present);
        range.setAttribute("aria-label", t("year_label"));
        var note = el("div", "qj-year-note", t("year_note").replace("{present}", timeline.present));
        box.appendChild(label);
        box.appendChild(range);
        box.appendChild(note);
        toggle.addEventListener("change", function () { QJ.setYear(toggle.checked ? range.value : null); });
        range.addEventListener("input", function () { out.textContent = range.value; });
        range.addEventListener("change", function () { QJ.setYear(range.value); });
        QJ.yearControl = {box: box, toggle: toggle, range: range, out: out};
        return box;
      },
    });
    new Slider().addTo(map);
    updateYearControl();
  }

  function onAllLoaded(map) {
    QJ.loaded = true;
    document.documentElement.setAttribute("data-atlas-loaded", "true");
  }

  QJ.init = function (map, config) {
    QJ.map = map;
    QJ.config = config;
    QJ.vocab = config.vocab;
    QJ.lang = config.lang || "zh";
    QJ.strings = config.strings || {};
    var credit = L.DomUtil.create("span");   // built from text nodes: the string comes from translations
    credit.appendChild(document.createTextNode(t("osm_credit") + " © "));
    var osm = L.DomUtil.create("a", "", credit);
    osm.href = "https://www.openstreetmap.org/copyright";
    osm.textContent = "OpenStreetMap";
    credit.appendChild(document.createTextNode(" contributors (ODbL)"));
    map.attributionControl.addAttribution(credit.outerHTML);
    config.basemaps.forEach(function (b) { if (b.key === config.active_basemap) QJ.datum = b.datum; });
    document.documentElement.setAttribute("data-datum", QJ.datum);
    map.on("baselayerchange", function (ev) { QJ.setDatum(datumOf(ev.layer)); });
    buildLangSwitch(map);
    buildSearch(map);
    buildHome(map);
    buildLegend(map);
    accessiblePopups(map);
    labelControls(map);
    readUrl(map);
    buildYearSlider(map);
    if (QJ.year !== null) redrawAll(map);   // a layer that answered before init is drawn again for the year
    QJ.ready = true;
    map.on("moveend zoomend overlayadd overlayremove baselayerchange layeradd layerremove", function () {
      clearTimeout(QJ._urlTimer);
      QJ._urlTimer = setTimeout(writeUrl, 50);
    });
    writeUrl();
    if (QJ.pending === 0) onAllLoaded(map);
    var container = map.getContainer();
    function zoomClass() { container.classList.toggle("qj-zoom-low", map.getZoom() < 10); }
    map.on("zoomend", zoomClass);
    zoomClass();
  };
})();
