/* Qijiang Atlas: layers too big to send whole are drawn from the app's vector tiles (Leaflet.VectorGrid).
 * A tile carries only id, names, kind, status and accuracy; a click fetches the whole feature by id and
 * opens the same popup as a GeoJSON layer's (built from DOM nodes, never HTML). Needs static/js/atlas/*.js. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;

  /* Leaflet style of one tiled feature: the layer's style as for GeoJSON, filled unless a line layer. */
  function tileStyle(cfg, props) {
    if (props && props.cluster) return clusterStyle(cfg, props.point_count);
    var st = QJ.featureStyle(cfg, props || {});
    if (st.fill === undefined) st.fill = cfg.symbol !== "line";
    st.radius = Math.min(cfg.style.radius, 5);
    if (cfg.symbol === "point") st.fillOpacity = Math.max(cfg.style.fill_opacity, 0.7);
    return st;
  }

  /* A cluster point (the server gathers dense small features below its cluster zoom): bigger with more features. */
  function clusterStyle(cfg, count) {
    return {radius: Math.min(6 + 2.5 * Math.log2(count || 2), 20), color: "#ffffff", weight: 2, opacity: 1,
            fill: true, fillColor: cfg.style.color, fillOpacity: 0.75, className: "qj-cluster qj-layer-" + cfg.id};
  }

  function featureUrl(id) {
    return QJ.config.feature_url.replace("FID", encodeURIComponent(id));
  }

  /* Fetch the whole feature and open its popup at ``latlng`` (the popup says so if the fetch fails). */
  function openFeaturePopup(cfg, id, latlng) {
    var map = QJ.map;
    return fetch(featureUrl(id), {headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (body) {
        var popup = L.popup({maxWidth: 360, autoPanPadding: [20, 20]})
          .setLatLng(latlng).setContent(QJ.popupContent(cfg, body.feature)).openOn(map);
        QJ.layers[cfg.id].popup = popup;
        // known from now on to the editor's popup button (no Leaflet layer: the feature lives in tiles)
        QJ.features[id] = {layer: cfg.id, leaflet: null, feature: body.feature};
        return true;
      });
  }

  QJ.loadTiledLayer = function (map, group, cfg) {
    QJ._map = map;
    var entry = {cfg: cfg, group: group, drawn: 0, unplaced: [], loaded: false, error: null, tiled: true,
                 renderer: "vectorgrid"};
    QJ.layers[cfg.id] = entry;
    if (!cfg.ok) { entry.loaded = true; return; }
    QJ.pending += 1;
    var styles = {}, clusterSeq = 0;
    styles[cfg.id] = function (props) { return tileStyle(cfg, props); };
    // SVG tiles: VectorGrid 1.3's canvas click handler calls L.DomEvent.fakeStop, gone since Leaflet 1.8
    var grid = L.vectorGrid.protobuf(cfg.tiles, {
      rendererFactory: L.svg.tile, vectorTileLayerStyles: styles, interactive: true, maxNativeZoom: 18,
      pane: QJ.paneFor(cfg, cfg.symbol === "point" ? "Point" : cfg.symbol === "line" ? "LineString" : "Polygon"),
      // clusters have no id: give each its own key so VectorGrid keeps them all (it stores features by id)
      getFeatureId: function (f) { return f.properties.id || "cluster-" + (clusterSeq += 1); },
    });
    // Leaflet 1.8+ takes a clicked small circle's position from getLatLng(), which VectorGrid 1.3's point
    // symbolizers have (as CircleMarkers) but never set: mask it, so Leaflet uses the mouse position
    var createLayer = grid._createLayer;
    grid._createLayer = function () {
      var symbol = createLayer.apply(this, arguments);
      if (symbol && symbol.getLatLng && !symbol._latlng) symbol.getLatLng = null;
      return symbol;
    };
    grid.on("click", function (ev) {
      var props = (ev.layer && ev.layer.properties) || {};
      if (props.cluster) { map.setView(ev.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())); return; }
      if (props.id) openFeaturePopup(cfg, props.id, ev.latlng).catch(function (err) { entry.error = String(err); });
    });
    grid.on("tileload", function () { entry.drawn = countDrawn(grid); });
    entry.grid = grid;
    group.addLayer(grid);
    // the layer counts as drawn once the tiles in view have loaded; a hidden layer loads nothing until shown.
    // Checked after the page script has run, when folium has added the shown groups to the map.
    var finish = function () {
      if (entry.loaded) return;
      entry.loaded = true;
      entry.drawn = countDrawn(grid);
      QJ.updateLegendEntry(entry);
      QJ.layerDone();
    };
    Promise.resolve().then(function () {
      if (!map.hasLayer(grid) || !grid.isLoading()) { finish(); return; }
      grid.once("load", finish);
      group.once("remove", finish);
    });
  };

  /* After an edit: ask the TileJSON for the new data version and load the tiles of that version. */
  QJ.reloadTiledLayer = function (entry) {
    var url = entry.cfg.tiles.split("/{z}/")[0] + ".json";
    return fetch(url, {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (doc) {
        QJ.forgetFeatures(entry.cfg.id);
        entry.cfg.tiles = doc.tiles[0];
        entry.grid.setUrl(doc.tiles[0]);
      });
  };

  /* Features drawn in the tiles now on screen, a cluster counting its features (a feature cut by tile edges
   * counts once per tile). */
  function countDrawn(grid) {
    var n = 0;
    Object.keys(grid._vectorTiles || {}).forEach(function (key) {
      var features = grid._vectorTiles[key]._features || {};
      Object.keys(features).forEach(function (id) {
        var props = features[id].feature.properties || {};
        n += props.cluster ? props.point_count : 1;
      });
    });
    return n;
  }

  /* Search hit in a tiled layer: show the layer, go to the feature's box and open its popup. */
  QJ.focusTiledFeature = function (id, hit) {
    var map = QJ.map;
    var entry = QJ.layers[hit.layer];
    if (!map.hasLayer(entry.group)) map.addLayer(entry.group);
    var b = hit.bbox;   // [west, south, east, north], WGS-84
    var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    map.fitBounds(bounds, {maxZoom: 14, padding: [30, 30], animate: false});
    openFeaturePopup(entry.cfg, id, bounds.getCenter());
    return true;
  };
})();
