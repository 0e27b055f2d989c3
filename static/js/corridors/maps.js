/* Corridor comparison: each compared corridor's map (its line, catchment, served features and stations)
 * and the proposal map with the other lines for reference. */
(function () {
  "use strict";

  var QJC = window.QJCorridors;
  var el = QJUtil.el, t = QJC.text.t;
  var COLOURS = ["#b2182b", "#2166ac", "#1b7837", "#e08214", "#762a83", "#6a3d9a", "#01665e"];
  var PROPOSED_COLOUR = "#6a3d9a";

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
  QJC.labelPanels = function () {
    QJC.panels.forEach(function (entry) {
      var box = entry.map.getContainer();
      QJUtil.name(box.querySelector(".leaflet-control-zoom-in"), t("zoom_in"));
      QJUtil.name(box.querySelector(".leaflet-control-zoom-out"), t("zoom_out"));
      var draw = box.querySelector(".leaflet-draw-draw-polyline");
      QJUtil.name(draw, t("draw_line"));
      if (draw) draw.setAttribute("role", "button");
    });
  };

  function tooltip(text) { return el("span", null, text); }

  function servedTowns(feats) {
    return L.featureGroup(feats.map(function (f) {
      return L.circleMarker([f.properties.label_lat, f.properties.label_lon],
        {radius: 4, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1, className: "qj-served qj-served-towns"})
        .bindTooltip(tooltip(QJC.nameOf(f.properties)));
    }));
  }

  /* ``unsure``: ids only possibly served (area-only sites): drawn as a dashed outline with a faint fill. */
  function servedLayer(layerId, ids, colour, unsure) {
    var wanted = {};
    ids.forEach(function (id) { wanted[id] = true; });
    var fc = QJC.context[layerId];
    var feats = ((fc && fc.features) || []).filter(function (f) { return f.geometry && wanted[f.properties.id]; });
    if (QJC.hasRole(layerId, "townships")) return servedTowns(feats);
    return L.geoJSON({type: "FeatureCollection", features: feats}, {
      style: function (f) {
        var maybe = (unsure || []).indexOf(f.properties.id) >= 0;
        return {color: colour, weight: 1.5, fill: layerId !== "hubs", fillOpacity: maybe ? 0.05 : 0.2,
                dashArray: layerId === "hubs" || maybe ? "4 4" : null,
                className: "qj-served qj-served-" + layerId + (maybe ? " qj-served-possibly" : "")};
      },
      pointToLayer: function (f, latlng) {
        var small = QJC.hasRole(layerId, "stations");
        return L.circleMarker(latlng, {radius: small ? 4 : 7, color: colour, weight: 2, fillColor: small ? colour : "#fff",
                                        fillOpacity: 0.9, className: "qj-served qj-served-" + layerId});
      },
      onEachFeature: function (f, layer) { layer.bindTooltip(tooltip(QJC.nameOf(f.properties))); },
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
      .bindTooltip(tooltip(QJC.corridorName(c))).addTo(group);
    QJC.served().forEach(function (layerId) {
      servedLayer(layerId, c.served[layerId], colour, (c.possibly || {})[layerId]).addTo(group);
    });
    servedLayer(QJC.layerOf("stations"), c.stations, "#222").addTo(group);
    setTitle(entry, QJC.corridorName(c), QJC.label("status", c.status) + " · " + t("in_district") + " " +
             QJC.num(c.length_in_district_km, 1) + " " + t("km"));
  }

  function drawReferences(entry, corridors) {
    corridors.forEach(function (c) {
      if (c.id === "proposed") return;
      L.geoJSON(c.geometry, {style: {color: "#777", weight: 2, opacity: 0.7, dashArray: "2 4", className: "qj-ref-line"},
                             interactive: false}).addTo(entry.overlay);
    });
  }

  /* Draw the comparison on every map; returns id -> {c: corridor, colour}. */
  QJC.drawMaps = function (result) {
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
  };

  QJC.drawDistrict = function () {
    var fc = QJC.context[QJC.layerOf("boundary")];
    if (!fc) return;
    QJC.panels.forEach(function (entry) {
      L.geoJSON(fc, {style: {color: "#444", weight: 1.5, fill: false, dashArray: "6 3", className: "qj-district"},
                     interactive: false}).addTo(entry.base);
    });
  };
})();
