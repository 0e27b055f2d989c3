/* Qijiang Atlas map page: the legend (a swatch per layer as it is drawn, line styles, accuracy classes)
 * with each layer's date, unplaced features and features of unknown year. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var el = QJUtil.el, T = QJ.text, t = T.t, tr = T.tr;
  var SVG_NS = "http://www.w3.org/2000/svg";

  function swatchShape(symbol) {
    var shape;
    if (symbol === "line") {
      shape = document.createElementNS(SVG_NS, "line");
      shape.setAttribute("x1", "2"); shape.setAttribute("y1", "7");
      shape.setAttribute("x2", "26"); shape.setAttribute("y2", "7");
    } else if (symbol === "point") {
      shape = document.createElementNS(SVG_NS, "circle");
      shape.setAttribute("cx", "14"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5");
    } else {
      shape = document.createElementNS(SVG_NS, "rect");
      shape.setAttribute("x", "3"); shape.setAttribute("y", "2");
      shape.setAttribute("width", "22"); shape.setAttribute("height", "10");
    }
    return shape;
  }

  function swatch(cfg, variant) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "qj-swatch qj-swatch-" + cfg.symbol);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var s = cfg.style;
    var shape = swatchShape(cfg.symbol);
    shape.setAttribute("stroke", s.color);
    shape.setAttribute("stroke-width", Math.min(s.weight, 4));
    shape.setAttribute("fill", variant === "area" ? QJ.hatchFill(s.color) : cfg.symbol === "line" ? "none" : s.fill_color);
    shape.setAttribute("fill-opacity", variant === "area" || cfg.symbol === "point" ? (variant === "area" ? "1" : "0.8")
      : String(Math.max(s.fill_opacity, 0.15)));
    var dash = variant === "planned" ? "10 7" : variant === "schematic" ? "2 6" : variant === "area" ? "4 2" :
      (s.dash_array || "");
    if (dash) shape.setAttribute("stroke-dasharray", dash.replace("10 7", "6 3").replace("2 6", "2 3"));
    svg.appendChild(shape);
    return svg;
  }

  /* One row per layer, under its family's heading. */
  function layerRows(body) {
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
      QJ.updateLegendEntry(QJ.layers[cfg.id]);
    });
  }

  /* What solid, dashed, dotted and hatched mean. */
  function styleKeys() {
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
    return keys;
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
      list.appendChild(el("li", "qj-legend-acc-" + key, T.vocabLabel("accuracy", key) + (how ? ": " + how : "")));
    });
    box.appendChild(list);
    return box;
  }

  function legendBody(map, head) {
    var body = el("div", "qj-legend-body");
    body.appendChild(el("div", "qj-legend-year", t("year_all")));
    body.id = "qj-legend-body-" + L.stamp(map);
    head.setAttribute("aria-controls", body.id);
    if (QJ.isNarrow()) body.hidden = true;
    head.addEventListener("click", function () {
      body.hidden = !body.hidden;
      head.setAttribute("aria-expanded", body.hidden ? "false" : "true");
    });
    layerRows(body);
    body.appendChild(styleKeys());
    body.appendChild(accuracyKey());
    var dataLink = el("a", "qj-legend-data-link", t("data_link"));
    dataLink.href = t("data_url");
    body.appendChild(dataLink);
    return body;
  }

  QJ.build.legend = function (map) {
    QJ.legend = QJUtil.panel("bottomleft", "qj-legend leaflet-bar", function (box) {
      var head = el("button", "qj-legend-toggle", t("legend"));
      head.type = "button";
      head.setAttribute("aria-expanded", QJ.isNarrow() ? "false" : "true");
      box.appendChild(head);
      box.appendChild(legendBody(map, head));
    });
    QJ.legend.addTo(map);
  };

  /* A collapsible list of a layer's features by name (unplaced ones, or those of unknown year). */
  function featureList(cls, summary, features, itemAttrs) {
    var box = el("details", cls);
    box.appendChild(el("summary", null, summary + " (" + features.length + ")"));
    var items = el("ul");
    features.forEach(function (f) {
      var li = el("li", null, (tr(f.properties, "name") || f.properties.id));
      itemAttrs(li, f);
      items.appendChild(li);
    });
    box.appendChild(items);
    return box;
  }

  QJ.updateLegendEntry = function (entry) {
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
      var unknown = featureList("qj-year-unknown", t("year_unknown"), entry.unknownYear, function (li, f) {
        li.setAttribute("data-feature-id", f.properties.id || "");
      });
      unknown.setAttribute("data-layer", cfg.id);
      entry.legendRow.appendChild(unknown);
    }
    if (entry.unplaced.length && !entry.legendRow.querySelector(".qj-unplaced")) {
      entry.legendRow.appendChild(featureList("qj-unplaced", t("unplaced_features"), entry.unplaced, function (li, f) {
        li.title = tr(f.properties, "description") || "";
      }));
    }
  };
})();
