/* Qijiang Atlas map page: overlays follow a GCJ-02 basemap (Gaode). Data stays WGS-84; only what is drawn
 * is shifted, and positions the user sends to the server are shifted back. Uses gcoord (npm), loaded when a
 * GCJ-02 basemap is first shown (QJAtlas.plugins.gcoord). */
(function () {
  "use strict";

  var QJ = window.QJAtlas;

  /* The FeatureCollection as drawn now: a shifted copy while a GCJ-02 basemap is shown. */
  QJ.displayed = function (fc) {
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
  };

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

  /* Draw the overlays in ``datum`` ("wgs84" or "gcj02"), loading gcoord first if needed. */
  QJ.setDatum = function (datum) {
    QJ._wantedDatum = datum;
    if (datum === QJ.datum) return Promise.resolve();
    var ready = datum === "gcj02" && !window.gcoord ? QJUtil.loadScript(QJ.plugins.gcoord) : Promise.resolve();
    return ready.then(function () {
      if (QJ._wantedDatum === datum) switchDatum(datum);   // else the user chose another basemap meanwhile
    });
  };

  function switchDatum(datum) {
    if (datum === QJ.datum) return;
    var map = QJ.map;
    var centre = map.getCenter();
    var wgs = QJ.toWgs84(centre.lat, centre.lng);
    QJ.datum = datum;
    QJ.redrawAll(map);
    // keep the same ground position in the middle of the screen
    map.setView(QJ.toDisplay(wgs[0], wgs[1]), map.getZoom(), {animate: false});
    document.documentElement.setAttribute("data-datum", datum);
  }

  /* The datum of a basemap layer of this page (config.basemaps names each one's page variable). */
  QJ.datumOf = function (layer) {
    var datum = "wgs84";
    QJ.config.basemaps.forEach(function (b) { if (window[b.var] === layer) datum = b.datum; });
    return datum;
  };
})();
