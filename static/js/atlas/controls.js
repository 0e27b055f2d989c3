/* Qijiang Atlas map page: the small controls (zoom to district, language switch) and Leaflet's own
 * controls named in the page language, with the layer control's families as named groups. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var el = QJUtil.el, name = QJUtil.name, t = QJ.text.t;

  /* The layer control's families and base maps as named groups (re-applied whenever the plugin rebuilds). */
  function groupLayerLists(box) {
    if (!box) return;
    var bases = box.querySelector(".leaflet-control-layers-base");
    if (bases) { bases.setAttribute("role", "radiogroup"); bases.setAttribute("aria-label", t("basemap")); }
    box.querySelectorAll(".leaflet-control-layers-group").forEach(function (group) {
      var name = group.querySelector(".leaflet-control-layers-group-name");
      if (!name) return;
      name.id = group.id + "-name";
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", name.id);
    });
  }

  function patchGroupedLayers() {
    var GL = L.Control.GroupedLayers;
    if (!GL || GL.qjPatched) return;
    var update = GL.prototype._update;
    GL.prototype._update = function () {
      var result = update.apply(this, arguments);
      groupLayerLists(this._container);
      return result;
    };
    GL.qjPatched = true;
  }

  /* Leaflet's own controls carry English titles: name them in the page language (also used by other pages). */
  QJ.labelControls = QJ.build.labelControls = function (map) {
    if (map.zoomControl) {
      name(map.zoomControl._zoomInButton, t("zoom_in"));
      name(map.zoomControl._zoomOutButton, t("zoom_out"));
    }
    var container = map.getContainer();
    name(container.querySelector(".leaflet-control-layers-toggle"), t("layers"));
    var layers = container.querySelector(".leaflet-control-layers");
    if (layers) layers.setAttribute("aria-label", t("layers"));
    patchGroupedLayers();
    groupLayerLists(layers);
    container.setAttribute("aria-label", t("map_label"));
    // the fullscreen plugin updates the title only: keep the accessible name in step
    map.on("enterFullscreen exitFullscreen", function () {
      var link = container.querySelector(".leaflet-control-zoom-fullscreen");
      if (link) link.setAttribute("aria-label", link.title);
    });
  };

  /* A one-button Leaflet bar control; ``onClick(ev, a)`` runs on click. */
  function barButton(map, position, boxClass, link, onClick) {
    var Control = L.Control.extend({
      options: {position: position},
      onAdd: function () {
        var box = el("div", "leaflet-bar " + boxClass);
        var a = el("a", link.cls, link.text);
        a.href = link.href || "#";
        a.title = link.title;
        a.setAttribute("role", "button");
        if (link.label) a.setAttribute("aria-label", link.label);
        L.DomEvent.on(a, "click", function (ev) { onClick(ev, a); });
        box.appendChild(a);
        return box;
      },
    });
    new Control().addTo(map);
  }

  QJ.build.home = function (map) {
    var title = t("zoom_to_district");
    barButton(map, "topleft", "qj-home", {text: "⌂", title: title, label: title}, function (ev) {
      L.DomEvent.preventDefault(ev);
      map.fitBounds(QJ.config.district_bounds);
    });
  };

  /* 中文 / English, remembered by the server in a cookie; the current view goes along in the query string. */
  QJ.build.langSwitch = function (map) {
    var link = {cls: "qj-lang-link", text: t("switch_lang"), title: t("switch_lang_title"),
                href: QJ.strings.switch_lang_url || "#"};
    barButton(map, "topright", "qj-lang", link, function (ev, a) {
      var params = new URLSearchParams(window.location.search);
      params.set("lang", QJ.lang === "en" ? "zh" : "en");
      a.href = window.location.pathname + "?" + params.toString();
    });
  };
})();
