/* Corridor comparison: the comparison table, what only one corridor serves, and the chart with its numbers
 * as a table (the canvas's text alternative). */
(function () {
  "use strict";

  var QJC = window.QJCorridors;
  var el = QJUtil.el, T = QJC.text, t = T.t, num = QJC.num;

  function membership(result, cid, layerId, id) {
    var c = result.corridors.filter(function (x) { return x.id === cid; })[0];
    if (c && possibly(c, layerId).indexOf(id) >= 0) return "qj-possible";
    if (result.only_in[cid][layerId].indexOf(id) >= 0) return "qj-only";
    if (result.shared[layerId].indexOf(id) >= 0) return "qj-shared";
    return "qj-some";
  }

  /* The served sites a corridor only possibly serves (area-only: only the 街道/镇 is known), per layer. */
  function possibly(c, layerId) { return (c.possibly && c.possibly[layerId]) || []; }

  /* What a corridor serves for certain in a layer (counts, chart, announcement: possibly served never count). */
  QJC.surely = function (c, layerId) {
    var unsure = possibly(c, layerId);
    return c.served[layerId].filter(function (id) { return unsure.indexOf(id) < 0; });
  };

  /* "（可能服务：只知所在街道/镇，距线路 0.0–7.0 公里）" for a possibly served site, "" without its interval. */
  function intervalNote(c, id) {
    var site = c.area_sites && c.area_sites[id];
    if (!site) return "";
    return T.fmt("possible_interval", {near: num(site.nearest_m / 1000, 1), far: num(site.farthest_m / 1000, 1)});
  }

  function listCell(td, ids, names, classOf, c) {
    var unsure = ids.filter(function (id) { return classOf && classOf(id) === "qj-possible"; });
    var sure = ids.length - unsure.length;
    td.appendChild(el("span", "qj-count", sure)).setAttribute("data-count", String(sure));
    if (unsure.length) {
      td.appendChild(el("span", "qj-possible-count", " " + T.fmt("possible_count", {n: unsure.length})))
        .setAttribute("data-possible", String(unsure.length));
    }
    ids.forEach(function (id) {
      var cls = classOf ? classOf(id) : "";
      var item = td.appendChild(el("span", "qj-item " + cls, names[id] || id));
      item.setAttribute("data-id", id);
      var note = cls === "qj-possible" && c ? intervalNote(c, id) : "";
      if (note) item.appendChild(el("span", "qj-possible-note", " " + note));   // only the 街道/镇 is known: the interval
      else if (cls) item.appendChild(el("span", "qj-sr-only", " (" + t(cls) + ")"));   // the colour in words
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

  function tableHead(table, result) {
    table.appendChild(el("caption", "small", t("table_caption") + " · " + t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m")));
    var head = table.appendChild(el("thead")).appendChild(el("tr"));
    head.appendChild(el("th", null, t("measure"))).setAttribute("scope", "col");
    result.corridors.forEach(function (c) {
      var th = head.appendChild(el("th", null, QJC.corridorName(c)));
      th.setAttribute("scope", "col");
      th.setAttribute("data-corridor", c.id);
    });
  }

  function lineRows(body, cs, names) {
    row(body, "status", t("status_opened"), cs, function (td, c) {
      td.textContent = QJC.label("status", c.status) + (c.opened ? " · " + String(c.opened).slice(0, 4) : "");
    });
    row(body, "accuracy", t("accuracy"), cs, function (td, c) {
      td.appendChild(el("span", "qj-badge qj-badge-" + c.accuracy, QJC.label("accuracy", c.accuracy)));
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
          c.stations_unplaced.map(function (id) { return names[id] || id; }).join(T.isEnglish() ? ", " : "、")));
      }
    });
  }

  function coverageRows(body, cs) {
    row(body, "park_area_ha", t("park_area"), cs, function (td, c) { td.textContent = num(c.park_area_ha, 1); });
    row(body, "covered_km2", t("covered_km2"), cs, function (td, c) { td.textContent = num(c.coverage.covered_km2, 1); });
    row(body, "district_share", t("district_share"), cs, function (td, c) {
      td.textContent = c.coverage.district_share === null ? t("unknown") : num(c.coverage.district_share * 100, 1) + " %";
    });
    row(body, "town_shares", t("town_shares"), cs, function (td, c) {
      var list = td.appendChild(el("ol", "qj-town-shares small mb-0 ps-3"));
      c.coverage.towns.forEach(function (town) {
        var li = list.appendChild(el("li", null, QJC.nameOf(town) + " " + num(town.share * 100, 1) + " %"));
        li.setAttribute("data-id", town.id);
      });
      if (!c.coverage.towns.length) td.textContent = t("none");
    });
    row(body, "industries", t("industries"), cs, function (td, c) {
      td.textContent = c.industries.length ? c.industries.join(T.isEnglish() ? ", " : "、") : "—";
    });
  }

  function renderTable(result) {
    var table = document.getElementById("qj-compare-table");
    var names = QJC.servedNames(result);
    var cs = result.corridors;
    table.replaceChildren();
    tableHead(table, result);
    var body = table.appendChild(el("tbody"));
    lineRows(body, cs, names);
    QJC.served().forEach(function (layerId) {
      row(body, layerId, t(layerId), cs, function (td, c) {
        listCell(td, c.served[layerId], names, function (id) { return membership(result, c.id, layerId, id); }, c);
      });
    });
    coverageRows(body, cs);
    table.setAttribute("aria-busy", "false");
    document.getElementById("qj-buffer-caption").textContent = t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m");
  }

  function renderDifference(result) {
    var box = document.getElementById("qj-difference");
    var names = QJC.servedNames(result);
    box.replaceChildren();
    function list(title, cls, byLayer, attr, c) {
      var ids = [];
      QJC.served().forEach(function (layerId) { ids = ids.concat(byLayer[layerId] || []); });
      if (c && !ids.length) return;   // no possibly served site: no section
      var section = box.appendChild(el("div"));
      section.setAttribute("data-difference", attr);
      section.appendChild(el("h3", null, title));
      if (!ids.length) section.appendChild(el("span", "text-secondary", t("none")));
      ids.forEach(function (id) {
        var item = section.appendChild(el("span", "qj-item " + cls, names[id] || id));
        item.setAttribute("data-id", id);
        if (c) item.appendChild(el("span", "qj-possible-note", " " + intervalNote(c, id)));
      });
    }
    result.corridors.forEach(function (c) {
      list(T.fmt("only_by", {name: QJC.corridorName(c)}), "qj-only", result.only_in[c.id], c.id);
    });
    list(t("shared"), "qj-shared", result.shared, "shared");
    result.corridors.forEach(function (c) {
      list(T.fmt("possibly_by", {name: QJC.corridorName(c)}), "qj-possible", c.possibly || {}, "possibly-" + c.id, c);
    });
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
      return QJC.corridorName(c) + " " + QJC.served().map(function (l) { return t(l) + " " + QJC.surely(c, l).length; }).join(", ");
    });
    document.getElementById("qj-compare-status").textContent =
      t("compared") + " · " + t("buffer") + " " + num(result.buffer_m, 0) + " " + t("m") + " · " + parts.join("; ");
  }

  function renderChart(result, byId) {
    var labels = QJC.served().map(function (l) { return t(l); }).concat([t(QJC.layerOf("stations"))]);
    var datasets = result.corridors.map(function (c) {
      return {label: QJC.corridorName(c), backgroundColor: byId[c.id].colour,
              data: QJC.served().map(function (l) { return QJC.surely(c, l).length; }).concat([c.stations.length])};
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

  QJC.render = function (result) {
    QJC.result = result;
    var byId = QJC.drawMaps(result);
    renderTable(result);
    renderDifference(result);
    renderChart(result, byId);
    announce(result);
  };
})();
