/* Qijiang Atlas map page: fetch each layer's GeoJSON from the API and draw it (SVG, or one canvas for big
 * layers), with popups and tooltips built from DOM nodes; the overview copy of outlines at low zooms and the
 * full one once zoomed in; redraw for a year, a datum or after an edit. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  QJ.CANVAS_THRESHOLD = 3000;

  function fetchGeoJson(url, options) {
    return fetch(url, L.extend({headers: {"Accept": "application/geo+json"}}, options))
      .then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      });
  }

  /* Drop what the page knows of a layer's features (before it is drawn again). */
  QJ.forgetFeatures = function (id) {
    Object.keys(QJ.features).forEach(function (fid) { if (QJ.features[fid].layer === id) delete QJ.features[fid]; });
  };

  function clearLayer(entry) {
    QJ.forgetFeatures(entry.cfg.id);
    entry.group.clearLayers();
    entry.drawn = 0;
    entry.unplaced = [];
  }

  /* The copy a layer should draw at the map's zoom: its lighter overview copy (outlines simplified to about a
     pixel, atlas/stores/overview.py) up to cfg.overview_max_zoom, else the full one. */
  function wantedDetail(entry) {
    var cfg = entry.cfg;
    return cfg.overview_url && QJ._map.getZoom() <= cfg.overview_max_zoom ? "overview" : "full";
  }
  function detailUrl(entry, detail) {
    return detail === "overview" ? entry.cfg.overview_url : entry.cfg.url;
  }

  /* Fetch and draw a layer once (later calls return the same promise). */
  QJ.fetchLayer = function (entry) {
    if (!entry.fetching) {
      var detail = wantedDetail(entry);
      entry.fetching = fetchGeoJson(detailUrl(entry, detail))
        .then(function (fc) { entry.fc = fc; entry.detail = detail; drawLayer(QJ._map, entry, QJ.displayed(fc)); })
        .catch(function (err) { entry.error = String(err); })
        .then(function () { entry.loaded = true; });
    }
    return entry.fetching;
  };

  /* Zoomed in past its overview zooms, a layer drawn from its overview copy fetches the full one once and
     draws it instead (an open popup of one of its features is opened again on the new drawing). */
  function refineLayer(entry) {
    if (entry.refining || entry.detail !== "overview" || wantedDetail(entry) !== "full") return;
    entry.refining = fetchGeoJson(entry.cfg.url).then(function (fc) {
      var reopen = openPopupFeature(entry);
      if (reopen) {
        // close it at once (Leaflet would fade the old popup out for 200 ms beside the reopened one)
        var map = QJ._map, fade = map._fadeAnimated;
        map._fadeAnimated = false;
        map.closePopup();
        map._fadeAnimated = fade;
      }
      clearLayer(entry);
      entry.fc = fc;
      entry.detail = "full";
      drawLayer(QJ._map, entry, QJ.displayed(fc));
      var again = reopen && QJ.features[reopen.id];
      if (again && again.leaflet) again.leaflet.openPopup(reopen.latlng);
    }).catch(function (err) { entry.error = String(err); entry.refining = null; });
  }
  QJ.refineLayers = function () {
    Object.keys(QJ.layers).forEach(function (id) {
      var entry = QJ.layers[id];
      if (entry.fc && QJ._map.hasLayer(entry.group)) refineLayer(entry);
    });
  };

  /* The feature of this layer whose popup is open (id and where), or null. */
  function openPopupFeature(entry) {
    var popup = QJ._map && QJ._map._popup;
    if (!popup || !QJ._map.hasLayer(popup) || !popup._source || !popup._source.feature) return null;
    var id = (popup._source.feature.properties || {}).id;
    var item = id && QJ.features[id];
    return item && item.layer === entry.cfg.id ? {id: id, latlng: popup.getLatLng()} : null;
  }

  /* A layer shown on the first view is fetched at once; a hidden one when it is first shown (its group added
     to the map). Decided after the page script has run, when folium and the URL have set what is shown. */
  QJ.loadLayer = function (map, group, cfg) {
    QJ._map = map;
    if (!QJ._refineBound) {
      QJ._refineBound = true;
      map.on("zoomend", QJ.refineLayers);
    }
    var entry = {cfg: cfg, group: group, drawn: 0, unplaced: [], loaded: false, error: null};
    QJ.layers[cfg.id] = entry;
    if (!cfg.ok) { entry.loaded = true; return; }
    QJ.pending += 1;
    group.on("add", function () { if (entry.fc) refineLayer(entry); });  // shown again after zooming in
    Promise.resolve().then(function () {
      if (map.hasLayer(group)) { QJ.fetchLayer(entry).then(QJ.layerDone); return; }
      group.once("add", function () { QJ.fetchLayer(entry); });
      QJ.layerDone();
    });
  };

  /* Fetch a layer again (after an edit) and redraw it; the legend's unplaced list is rebuilt. */
  QJ.reloadLayer = function (id) {
    var entry = QJ.layers[id];
    if (!entry) return Promise.resolve();
    if (entry.tiled) return QJ.reloadTiledLayer(entry);
    var detail = wantedDetail(entry);
    return fetchGeoJson(detailUrl(entry, detail), {cache: "no-store"}).then(function (fc) {
      clearLayer(entry);
      entry.fc = fc;
      entry.detail = detail;
      entry.loaded = true;   // a hidden layer reloaded after an edit is not fetched again when shown
      entry.fetching = entry.fetching || Promise.resolve();
      entry.cfg.unplaced_count = fc.features.filter(function (f) { return !f.geometry; }).length;
      var old = entry.legendRow && entry.legendRow.querySelector(".qj-unplaced");
      if (old) old.parentNode.removeChild(old);
      drawLayer(QJ._map, entry, QJ.displayed(fc));
    });
  };

  /* Draw every fetched layer again (another year or datum). */
  QJ.redrawAll = function (map) {
    Object.keys(QJ.layers).forEach(function (id) {
      var entry = QJ.layers[id];
      if (!entry.fc) return;
      clearLayer(entry);
      drawLayer(map, entry, QJ.displayed(entry.fc));
    });
  };

  /* The features to draw, by pane; unplaced ones and those of unknown year are listed in the legend instead. */
  function sortIntoPanes(entry, fc) {
    var byPane = {};
    entry.unknownYear = [];
    entry.later = 0;
    fc.features.forEach(function (f) {
      if (!f.geometry) { entry.unplaced.push(f); return; }
      var state = QJ.stateAt(entry.cfg, f.properties || {});
      if (state === "unknown") { entry.unknownYear.push(f); return; }
      if (state === "hidden") { entry.later += 1; return; }
      var pane = QJ.paneFor(entry.cfg, f.geometry.type);
      (byPane[pane] = byPane[pane] || []).push(f);
    });
    return byPane;
  }

  function drawLayer(map, entry, fc) {
    var cfg = entry.cfg;
    var byPane = sortIntoPanes(entry, fc);
    // big layers (an imported city's POIs or buildings) draw on one canvas instead of one SVG node each
    var big = fc.features.length > QJ.CANVAS_THRESHOLD;
    entry.renderer = big ? "canvas" : "svg";
    Object.keys(byPane).forEach(function (pane) {
      var renderer = big ? L.canvas({pane: pane, padding: 0.3}) : undefined;
      var gj = L.geoJSON({type: "FeatureCollection", features: byPane[pane]}, {
        pane: pane,
        renderer: renderer,
        style: function (f) { return QJ.featureStyle(cfg, f.properties || {}); },
        pointToLayer: function (f, latlng) {
          var st = QJ.featureStyle(cfg, f.properties || {});
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
    QJ.updateLegendEntry(entry);
  }

  function bindFeature(entry, f, layer, big) {
    var cfg = entry.cfg;
    var props = f.properties || {};
    layer.bindPopup(function () { return QJ.popupContent(cfg, f); }, {maxWidth: 360, autoPanPadding: [20, 20]});
    // tooltips are built on first hover for big layers (building 100,000 up front costs seconds)
    if (big) {
      layer.once("mouseover", function (ev) {
        layer.bindTooltip(QJ.tooltipContent(props), {sticky: true, direction: "top"}).openTooltip(ev.latlng);
      });
    } else {
      layer.bindTooltip(QJ.tooltipContent(props), {sticky: true, direction: "top"});
    }
    entry.drawn += 1;
    QJ.features[props.id] = {layer: cfg.id, leaflet: layer, feature: f};
    if (big) return;
    layer.on("add", function () {
      var node = layer.getElement && layer.getElement();
      if (node) node.setAttribute("data-feature-id", props.id || "");
    });
    if (cfg.label_field && props.label_lat !== undefined && props.label_lon !== undefined) addLabel(entry, props);
  }

  /* A permanent text label (e.g. a town's name) at the feature's label point. */
  function addLabel(entry, props) {
    var label = L.marker([props.label_lat, props.label_lon], {
      icon: L.divIcon({className: "qj-label", html: "", iconSize: null}),
      interactive: false, keyboard: false,
    });
    label.on("add", function () {
      var node = label.getElement();
      if (node) node.textContent = props[entry.cfg.label_field] || "";
    });
    entry.group.addLayer(label);
  }
})();
