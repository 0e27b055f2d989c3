/* Qijiang Atlas map page: the view in the URL (centre, zoom, visible layers, basemap, year), read at start. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;

  function activeBasemap(map) {
    var found = null;
    QJ.config.basemaps.forEach(function (b) { if (map.hasLayer(window[b.var])) found = b.key; });
    return found;
  }

  QJ.writeUrl = function () {
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
  };

  function readView(map, params) {
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
  }

  QJ.readUrl = function (map) {
    var params = new URLSearchParams(window.location.search);
    var year = parseInt(params.get("year"), 10);
    QJ.year = isFinite(year) && year >= 1900 && year <= 2100 ? year : null;
    document.documentElement.setAttribute("data-year", QJ.year === null ? "" : String(QJ.year));
    readView(map, params);
    if (!params.has("layers")) return;
    var wanted = params.get("layers").split(",");
    QJ.config.layers.forEach(function (cfg) {
      var group = QJ.layers[cfg.id].group;
      var want = wanted.indexOf(cfg.id) >= 0 && cfg.ok;
      if (want && !map.hasLayer(group)) map.addLayer(group);
      if (!want && map.hasLayer(group)) map.removeLayer(group);
    });
  };
})();
