/* Qijiang Atlas map page: how a feature is drawn (colour, dash by status and accuracy class, hatching for
 * areas, the pane that keeps points above lines above areas) and the same in words for popups. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var t = QJ.text.t;

  function isPlanned(props) {
    var statuses = (QJ.config && QJ.config.timeline && QJ.config.timeline.planned_statuses) || ["planned", "under_construction"];
    return statuses.indexOf(props.status) >= 0;
  }
  QJ.isPlanned = isPlanned;

  /* How a feature is drawn, in words: its accuracy class's symbol (dotted for schematic) wins over the
     dash of planned lines, as in featureStyle. Texts per class come from the server (popup_drawn). */
  QJ.drawnAs = function (props) {
    var byAccuracy = (QJ.strings && QJ.strings.popup_drawn) || {};
    if (props.accuracy && byAccuracy[props.accuracy]) return byAccuracy[props.accuracy];
    if (isPlanned(props)) return t("drawn_dashed");
    return "";
  };

  QJ.featureStyle = function (cfg, props) {
    var s = cfg.style;
    var style = {
      color: s.color, fillColor: s.fill_color, weight: s.weight, opacity: s.opacity,
      fillOpacity: s.fill_opacity, dashArray: s.dash_array || null,
      className: "qj-f qj-layer-" + cfg.id + " qj-acc-" + (props.accuracy || "unknown"),
    };
    if ((s.outline_kinds || []).indexOf(props.kind) >= 0) style.fill = false;
    if (isPlanned(props)) style.dashArray = "10 7";
    if (props.accuracy === "schematic") {
      style.dashArray = "2 6";
      style.opacity = Math.min(style.opacity, 0.75);
    }
    if (props.accuracy === "area") {   // known only to lie somewhere in this area: hatched, dashed outline
      style.fill = true;
      style.fillColor = QJ.hatchFill(s.color);
      style.fillOpacity = 1;
      style.dashArray = "6 4";
      style.weight = Math.max(style.weight, 1.5);
    }
    return style;
  };

  var SVG_NS = "http://www.w3.org/2000/svg";

  function patternHolder() {
    var holder = document.getElementById("qj-patterns");
    if (holder) return holder;
    holder = document.createElementNS(SVG_NS, "svg");
    holder.setAttribute("id", "qj-patterns");
    holder.setAttribute("width", "0"); holder.setAttribute("height", "0");
    holder.setAttribute("aria-hidden", "true");
    holder.style.position = "absolute";
    holder.appendChild(document.createElementNS(SVG_NS, "defs"));
    document.body.appendChild(holder);
    return holder;
  }

  /* One SVG hatch pattern per colour, in a hidden SVG of the page; paths refer to it as url(#...). */
  QJ.hatchFill = function (colour) {
    var id = "qj-hatch-" + String(colour).replace(/[^0-9a-zA-Z]/g, "");
    if (!document.getElementById(id)) {
      var pattern = document.createElementNS(SVG_NS, "pattern");
      pattern.setAttribute("id", id);
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8"); pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      var stroke = document.createElementNS(SVG_NS, "line");
      stroke.setAttribute("x1", "0"); stroke.setAttribute("y1", "0");
      stroke.setAttribute("x2", "0"); stroke.setAttribute("y2", "8");
      stroke.setAttribute("stroke", colour); stroke.setAttribute("stroke-width", "2");
      stroke.setAttribute("stroke-opacity", "0.55");
      pattern.appendChild(stroke);
      patternHolder().firstChild.appendChild(pattern);
    }
    return "url(#" + id + ")";
  };

  /* Panes keep points above lines above areas, and reference areas below everything. */
  var PANES = {context: 380, polygon: 400, line: 420, point: 440};
  QJ.paneFor = function (cfg, geometryType) {
    var map = QJ._map;
    if (!map.getPane("qj-context")) {
      Object.keys(PANES).forEach(function (name) {
        var pane = map.createPane("qj-" + name);
        pane.style.zIndex = String(PANES[name]);
      });
    }
    if (cfg.family === "context" && geometryType.indexOf("Polygon") >= 0) return "qj-context";
    if (geometryType.indexOf("Point") >= 0) return "qj-point";
    if (geometryType.indexOf("LineString") >= 0) return "qj-line";
    return "qj-polygon";
  };
})();
