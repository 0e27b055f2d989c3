/* Qijiang Atlas investor view: the parks on the map (coloured by score, with tooltips), the score legend,
 * and the profile / compare map of parks with their nearest targets and connecting lines. */
(function () {
  "use strict";

  var P = window.QJParks;
  var el = QJUtil.el, t = P.text.t, tr = P.text.tr;

  P.highlightRow = function (id) {
    document.querySelectorAll(".qj-park-row.qj-highlight").forEach(function (tr) { tr.classList.remove("qj-highlight"); });
    var row = document.querySelector('.qj-park-row[data-park-id="' + P.safeId(id) + '"]');
    if (row) { row.classList.add("qj-highlight"); row.scrollIntoView({block: "nearest"}); }
    return row;
  };

  P.focusPark = function (id) {
    P.highlightRow(id);
    var item = P.parks[id];
    if (!item) return false;
    if (item.layer.getBounds) P.map.flyToBounds(item.layer.getBounds(), {maxZoom: 14, duration: 0.5});
    else P.map.flyTo(item.layer.getLatLng(), 14, {duration: 0.5});
    item.layer.openTooltip();
    return true;
  };

  P.tooltip = function (props, score) {
    var box = el("span", "qj-tip", tr(props, "name") || props.id);
    if (P.otherName(props)) box.appendChild(el("span", "qj-tip-en", " " + P.otherName(props)));
    if (score !== undefined) {
      box.appendChild(el("br"));
      box.appendChild(el("span", "qj-tip-score",
        score === null ? t("no_score") : t("score") + " " + P.number(score, 1) + " (" + P.band(score) + ")"));
    }
    return box;
  };

  /* Parks sit in their own pane above the context layers (the atlas panes go up to 440). */
  function parkPane(map) {
    if (!map.getPane("qj-parks")) map.createPane("qj-parks").style.zIndex = "460";
    return "qj-parks";
  }

  /* A park known only to lie in an area is hatched in its score colour, never filled as if it were the site. */
  P.parkFill = function (feature, colour) {
    var area = (feature.properties || {}).accuracy === "area" && window.QJAtlas && QJAtlas.hatchFill;
    return area ? {fillColor: QJAtlas.hatchFill(colour), fillOpacity: 1, color: "#333", dashArray: "6 4"}
      : {fillColor: colour, color: "#333"};
  };

  /* One park as a Leaflet GeoJSON group (a circle for a point); ``onEach(feature, layer)`` as Leaflet's. */
  function parkGroup(feature, style, onEach) {
    return L.geoJSON(feature, {
      style: function () { return style; },
      pointToLayer: function (feat, latlng) { return L.circleMarker(latlng, L.extend({radius: 11}, style)); },
      onEachFeature: onEach,
    });
  }

  P.drawParks = function (fc) {
    var pane = parkPane(P.map);
    fc.features.forEach(function (f) {
      if (!f.geometry) return;
      var props = f.properties || {};
      var cls = "qj-park qj-park-" + P.safeId(props.id);
      var layer = parkGroup(f, {color: "#333", weight: 2, fillColor: P.cfg.no_score, fillOpacity: 0.85,
                                className: cls, pane: pane}).getLayers()[0];
      layer.bindTooltip(P.tooltip(props), {direction: "top"});
      layer.on("click", function () { P.highlightRow(props.id); });
      layer.addTo(P.map);
      P.parks[props.id] = {layer: layer, feature: f};
    });
  };

  function legendRow(colour, text) {
    var row = el("div", "qj-legend-row");
    var sw = el("span", "qj-swatch");
    sw.style.background = colour;
    row.appendChild(sw);
    row.appendChild(el("span", null, text));
    return row;
  }

  P.buildLegend = function (map) {
    var Legend = L.Control.extend({
      options: {position: "bottomright"},
      onAdd: function () {
        var box = el("div", "qj-legend qj-score-legend leaflet-bar");
        box.appendChild(el("div", "qj-legend-family", t("score")));
        var classes = P.cfg.classes;
        classes.forEach(function (pair, i) {
          box.appendChild(legendRow(pair[1], pair[0] + "–" + (i + 1 < classes.length ? classes[i + 1][0] : 100)));
        });
        box.appendChild(legendRow(P.cfg.no_score, t("no_score")));
        return box;
      },
    });
    new Legend().addTo(map);
  };

  /* ---------- profile / compare map: parks, nearest targets, connecting lines ---------- */
  function labelled(layer, text) {
    layer.bindTooltip(el("span", "qj-tip", text), {permanent: true, direction: "right", className: "qj-target-label"});
  }

  function drawTarget(all, target) {
    var km = P.number(target.distance_m / 1000, 2) + " " + t("km");
    L.geoJSON(target.line, {style: function () { return {color: "#555", weight: 2, dashArray: "6 4", className: "qj-link"}; }})
      .addTo(all);
    L.geoJSON(target.geometry, {
      pointToLayer: function (feat, latlng) {
        return L.circleMarker(latlng, {radius: 7, color: "#222", fillColor: "#6baed6", fillOpacity: 0.9, className: "qj-target"});
      },
      style: function () { return {color: "#222", fillColor: "#6baed6", fillOpacity: 0.3, className: "qj-target"}; },
      onEachFeature: function (feat, layer) { labelled(layer, (tr(target, "name") || target.id) + " · " + km); },
    }).addTo(all);
  }

  P.drawSurroundings = function (map, cfg) {
    P.cfg = cfg;
    P.useAtlas(map, cfg);
    var all = L.featureGroup().addTo(map);
    cfg.parks.forEach(function (f) {
      var props = f.properties || {};
      var style = {color: "#d94801", fillColor: "#fd8d3c", weight: 3, fillOpacity: 0.5,
                   className: "qj-park qj-park-" + P.safeId(props.id), pane: parkPane(map)};
      parkGroup(f, style, function (feat, layer) { labelled(layer, tr(props, "name") || props.id); }).addTo(all);
    });
    cfg.targets.concat(cfg.communities).forEach(function (target) {
      if (target.geometry) drawTarget(all, target);   // else: no placed target of this kind
    });
    if (all.getLayers().length) map.fitBounds(all.getBounds(), {padding: [40, 40], maxZoom: 14});
    document.documentElement.setAttribute("data-parks-loaded", "true");
  };
})();
