/* Qijiang Atlas map page: the QJAtlas object every other atlas script extends, and QJAtlas.init, which
 * builds the controls once every layer element exists. Every value from data is inserted with textContent. */
(function () {
  "use strict";

  var QJ = {
    layers: {},        // id -> {cfg, group, drawn, unplaced: [features]}
    features: {},      // feature id -> {layer, leaflet layer, feature}
    pending: 0,
    ready: false,
    layerControl: null,
    year: null,        // null: no time filter (today's map, plans included)
    datum: "wgs84",    // "gcj02" while a GCJ-02 basemap (Gaode) is shown: overlays follow it
    build: {},         // the page's controls, by name (filled by the other atlas scripts)
    plugins: {},       // name -> URL of a script loaded on first use (init sets them from config.plugins)
  };
  window.QJAtlas = QJ;

  /* UI strings come translated from the server (Flask-Babel); data fields pick _zh or _en. */
  QJ.text = QJUtil.texts(function () { return QJ; });
  var t = QJ.text.t;
  QJ.tr = QJ.text.tr;

  QJ.isNarrow = function () {
    return window.matchMedia && window.matchMedia("(max-width: 700px)").matches;
  };

  /* Another page that draws layers with this code (e.g. the investor maps) sets the texts' language. */
  QJ.useLanguage = function (lang, strings) {
    QJ.lang = lang || "zh";
    if (strings) QJ.strings = strings;
  };

  function onAllLoaded() {
    QJ.loaded = true;
    document.documentElement.setAttribute("data-atlas-loaded", "true");
  }

  /* One layer has answered (or failed): the page counts as loaded once none is pending. */
  QJ.layerDone = function () {
    QJ.pending -= 1;
    if (QJ.pending === 0) onAllLoaded();
  };

  function addCredit(map) {
    var credit = L.DomUtil.create("span");   // built from text nodes: the string comes from translations
    credit.appendChild(document.createTextNode(t("osm_credit") + " © "));
    var osm = L.DomUtil.create("a", "", credit);
    osm.href = "https://www.openstreetmap.org/copyright";
    osm.textContent = "OpenStreetMap";
    credit.appendChild(document.createTextNode(" contributors (ODbL)"));
    map.attributionControl.addAttribution(credit.outerHTML);
  }

  QJ.init = function (map, config) {
    QJ.map = map;
    QJ.config = config;
    QJ.plugins = config.plugins || {};
    QJ.vocab = config.vocab;
    QJ.useLanguage(config.lang, config.strings || {});
    addCredit(map);
    var datum = "wgs84";   // the page starts in WGS-84 and shifts once gcoord has loaded for a GCJ-02 basemap
    config.basemaps.forEach(function (b) { if (b.key === config.active_basemap) datum = b.datum; });
    document.documentElement.setAttribute("data-datum", QJ.datum);
    map.on("baselayerchange", function (ev) { QJ.setDatum(QJ.datumOf(ev.layer)); });
    ["langSwitch", "search", "home", "legend", "accessiblePopups", "labelControls"].forEach(function (name) {
      QJ.build[name](map);
    });
    QJ.readUrl(map);
    QJ.build.yearSlider(map);
    if (QJ.year !== null) QJ.redrawAll(map);   // a layer that answered before init is drawn again for the year
    QJ.ready = true;
    map.on("moveend zoomend overlayadd overlayremove baselayerchange layeradd layerremove", function () {
      clearTimeout(QJ._urlTimer);
      QJ._urlTimer = setTimeout(QJ.writeUrl, 50);
    });
    QJ.writeUrl();
    if (QJ.pending === 0) onAllLoaded();
    if (datum !== QJ.datum) QJ.setDatum(datum);
    var container = map.getContainer();
    function zoomClass() { container.classList.toggle("qj-zoom-low", map.getZoom() < 10); }
    map.on("zoomend", zoomClass);
    zoomClass();
  };
})();
