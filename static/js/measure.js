/* Distance and area measuring for Qijiang Atlas maps, built on leaflet-draw's drawing handlers
 * (no runtime template compilation, so it runs under the strict Content-Security-Policy). leaflet-draw is
 * loaded when a measuring button is first used (QJDraw.ready), not with the page. */
(function () {
  "use strict";

  var text = QJUtil.el;

  /* Button icons as inline SVG paths (no emoji or icon font: they render with any system fonts). */
  var ICONS = {
    line: ["M2 12 L12 2 L16 6 L6 16 Z", "M5 9 L7 11 M7 7 L9 9 M9 5 L11 7 M11 3 L13 5"],   // a ruler with ticks
    area: ["M9 2 L16 7 L13.5 15.5 L4.5 15.5 L2 7 Z"],                                     // a pentagon
    clear: ["M4 4 L14 14 M14 4 L4 14"],                                                    // a cross
  };

  function icon(paths) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 18 18");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "qj-icon");
    paths.forEach(function (d) {
      var path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "currentColor");
      path.setAttribute("stroke-width", "1.6");
      path.setAttribute("stroke-linejoin", "round");
      svg.appendChild(path);
    });
    return svg;
  }

  function lengthM(map, latlngs) {
    var total = 0;
    for (var i = 1; i < latlngs.length; i++) total += map.distance(latlngs[i - 1], latlngs[i]);
    return total;
  }

  window.QJMeasure = {
    /* Add the measure control to ``map``; ``strings`` holds the translated labels. */
    add: function (map, strings, lang) {
      var num = QJUtil.texts(function () { return {strings: strings, lang: lang}; }).number;
      var results = L.featureGroup().addTo(map);
      var handler = null;
      var kind = null;
      var style = {color: "#e41a1c", weight: 3, opacity: 0.9, fillOpacity: 0.15, dashArray: "6 4"};

      function start(what) {
        if (handler) handler.disable();
        kind = what;
        QJDraw.ready().then(function () {
          if (kind !== what) return;   // another button was pressed meanwhile
          var opts = {shapeOptions: style, metric: true, showLength: true, showArea: false, repeatMode: false};
          handler = what === "area" ? new L.Draw.Polygon(map, opts) : new L.Draw.Polyline(map, opts);
          handler.enable();
        });
      }

      function describe(layer) {
        var latlngs = layer.getLatLngs();
        var box = document.createElement("div");
        box.className = "qj-measure-result";
        if (kind === "area") {
          var ring = latlngs[0];
          var areaM2 = L.GeometryUtil.geodesicArea(ring);
          box.appendChild(text("div", null, strings.area + ": " + num(areaM2 / 10000, 2) + " " + strings.ha +
                                            " (" + num(areaM2 / 1e6, 3) + " " + strings.km2 + ")"));
          box.appendChild(text("div", null, strings.perimeter + ": " +
                                            num(lengthM(map, ring.concat([ring[0]])) / 1000, 3) + " " + strings.km));
        } else {
          box.appendChild(text("div", "qj-measure-distance", strings.distance + ": " +
                                            num(lengthM(map, latlngs) / 1000, 3) + " " + strings.km));
        }
        return box;
      }

      map.on("draw:created", function (ev) {   // L.Draw.Event.CREATED, before leaflet-draw is loaded
        if (!kind) return;   // another drawing tool on this map
        var layer = ev.layer;
        results.addLayer(layer);
        layer.bindPopup(describe(layer)).openPopup();
        kind = null;
        handler = null;
      });

      var Control = L.Control.extend({
        options: {position: "topleft"},
        onAdd: function () {
          var bar = L.DomUtil.create("div", "leaflet-bar qj-measure");
          L.DomEvent.disableClickPropagation(bar);
          [["qj-measure-line", ICONS.line, strings.measure_distance, function () { start("line"); }],
           ["qj-measure-area", ICONS.area, strings.measure_area, function () { start("area"); }],
           ["qj-measure-clear", ICONS.clear, strings.measure_clear, function () { results.clearLayers(); }]]
            .forEach(function (b) {
              var a = L.DomUtil.create("a", b[0], bar);
              a.href = "#";
              a.appendChild(icon(b[1]));
              a.title = b[2];
              a.setAttribute("role", "button");
              a.setAttribute("aria-label", b[2]);
              L.DomEvent.on(a, "click", function (ev) { L.DomEvent.preventDefault(ev); b[3](); });
            });
          return bar;
        },
      });
      new Control().addTo(map);
      return results;
    },
  };
})();
