/* Qijiang Atlas editing tools: loaded only for signed-in editors (the server adds these scripts).
 * Place, move or reshape a feature, edit its attributes through a form built from the layer's
 * declaration, create and delete; every save carries source, accuracy and as_of and the feature's
 * version (If-Match), and a stale save shows both versions. Data is inserted with textContent only.
 * This file: the QJEdit object, requests, and the geometry being edited (drawn datum <-> WGS-84). */
(function () {
  "use strict";

  var node = document.getElementById("qj-edit-config");
  var QJ = window.QJAtlas;
  if (!node || !QJ) return;
  var C = JSON.parse(node.textContent);
  var layers = {};
  C.layers.forEach(function (l) { layers[l.id] = l; });
  // current: the open form, {layer, id, original, version, geometry, creating}
  var QE = {config: C, layers: layers, current: null, PROVENANCE: ["source", "accuracy", "as_of"],
            csrf: (document.querySelector('meta[name="csrf-token"]') || {}).content || ""};
  QE.state = function () { return QE.current; };
  window.QJEdit = QE;

  QJDraw.ready();   // templates/edit/tools.html loads leaflet-draw: set its texts in the page language
  QE.text = QJUtil.texts(function () { return {strings: C.strings, lang: QJ.lang, vocab: C.vocab}; });
  var el = QJUtil.el, t = QE.text.t;

  QE.button = function (text, cls, onClick) {
    var b = el("button", "btn btn-sm " + (cls || "btn-outline-secondary"), text);
    b.type = "button";
    b.addEventListener("click", function (ev) { ev.preventDefault(); onClick(); });
    return b;
  };
  QE.url = function (template, layer, fid) {
    return template.replace("LAYER", encodeURIComponent(layer)).replace("FID", encodeURIComponent(fid || ""));
  };
  QE.send = function (method, target, body, version) {
    var headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": QE.csrf};
    if (version) headers["If-Match"] = '"' + version + '"';
    return fetch(target, {method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
                          credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (data) { return {status: r.status, data: data}; }); });
  };

  /* ---------- the panel the form lives in ---------- */
  var panel = el("aside", "qj-edit-panel");
  panel.id = "qj-edit-panel";
  panel.hidden = true;
  document.body.appendChild(panel);
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);
  QE.panel = panel;

  QE.setStatus = function (text, kind) {
    var box = panel.querySelector(".qj-edit-status");
    if (!box) return;
    box.textContent = text || "";
    box.className = "qj-edit-status" + (kind ? " alert alert-" + kind : "");
  };
  QE.updateGeometryText = function () {
    var box = panel.querySelector(".qj-edit-geometry-text");
    if (!box) return;
    var g = QE.current.geometry;
    box.textContent = g ? g.type + (g.type === "Point" ? " " + g.coordinates[1].toFixed(5) + ", " + g.coordinates[0].toFixed(5) : "")
                        : t("no_geometry");
  };

  /* ---------- geometry in the drawn datum <-> WGS-84 ---------- */
  function toWgs(geom) {
    return QJ.datum === "gcj02" ? gcoord.transform(geom, gcoord.GCJ02, gcoord.WGS84) : geom;
  }
  function toShown(geom) {
    return QJ.datum === "gcj02" ? gcoord.transform(JSON.parse(JSON.stringify(geom)), gcoord.WGS84, gcoord.GCJ02) : geom;
  }
  var temp = L.featureGroup().addTo(QJ.map);
  QE.temp = temp;
  var drawing = null;
  QE.stopDrawing = function () {
    if (drawing && drawing.disable) drawing.disable();
    drawing = null;
    QJ.map.off("click", onPlaceClick);
    QJ.map.getContainer().classList.remove("qj-placing");
  };
  function pointMarker(shown, editable) {
    var icon = L.divIcon({className: "qj-edit-marker", iconSize: [18, 18]});
    var marker = L.marker([shown.coordinates[1], shown.coordinates[0]], {draggable: !!editable, keyboard: false, icon: icon});
    marker.on("dragend", function () {
      var p = marker.getLatLng();
      QE.current.geometry = toWgs({type: "Point", coordinates: [p.lng, p.lat]});
      QE.updateGeometryText();
    });
    return marker;
  }
  QE.showGeometry = function (geom, editable) {
    temp.clearLayers();
    if (!geom) return;
    var shown = toShown(geom);
    if (shown.type === "Point") { temp.addLayer(pointMarker(shown, editable)); return; }
    var gj = L.geoJSON(shown, {style: {color: "#c51b8a", weight: 3, fillOpacity: 0.15}});
    gj.eachLayer(function (layer) {
      temp.addLayer(layer);
      if (editable && layer.editing) {
        layer.editing.enable();
        layer.on("edit", function () { QE.current.geometry = toWgs(layer.toGeoJSON().geometry); QE.updateGeometryText(); });
      }
    });
  };
  QE.setGeometry = function (geom, editable) {
    QE.stopDrawing();
    QE.current.geometry = geom;
    QE.showGeometry(geom, editable);
    QE.updateGeometryText();
  };
  function onPlaceClick(ev) {
    var p = ev.latlng;
    QE.setGeometry(toWgs({type: "Point", coordinates: [p.lng, p.lat]}), true);
  }
  QE.startPlacing = function () {
    QE.stopDrawing();
    QJ.map.closePopup();
    QJ.map.getContainer().classList.add("qj-placing");
    QJ.map.on("click", onPlaceClick);
    QE.setStatus(t("click_map"), "info");
  };
  QE.startDrawing = function (kind) {
    QE.stopDrawing();
    drawing = kind === "line" ? new L.Draw.Polyline(QJ.map, {repeatMode: false}) : new L.Draw.Polygon(QJ.map, {repeatMode: false});
    drawing.qjEdit = true;
    drawing.enable();
  };
  QJ.map.on(L.Draw.Event.CREATED, function (ev) {
    if (!drawing || !QE.current) return;   // the measuring tool's shapes are not ours
    QE.setGeometry(toWgs(ev.layer.toGeoJSON().geometry), true);
  });
})();
