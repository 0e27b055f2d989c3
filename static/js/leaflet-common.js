/* Shared by every map of Qijiang Atlas: one attribution prefix, drawn features out of the Tab order, and
 * leaflet-draw texts in the page language. */
(function () {
  "use strict";

  /* Chromium puts every interactive SVG path in the Tab order, unnamed (a hundred stops before the map's
     controls): take drawn features out of it. Keyboard users reach features through the search instead. */
  L.Path.addInitHook(function () {
    this.on("add", function () { if (this._path) this._path.setAttribute("tabindex", "-1"); });
  });

  // every map on the site credits Leaflet with the same plain text link (no flag icon)
  L.Map.addInitHook(function () {
    if (this.attributionControl) this.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  });

  function merge(target, source) {
    Object.keys(source || {}).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && target[key] && typeof target[key] === "object") merge(target[key], value);
      else if (typeof value === "string") target[key] = value;
    });
  }

  var draw = {url: null, strings: null, ready: null};

  window.QJDraw = {
    /* Overwrite L.drawLocal (leaflet-draw's toolbar and tooltip texts) with the server's translations.
     * Call before a draw control is added. The texts are ours (translations), never data. */
    locale: function (strings) {
      if (window.L && L.drawLocal && strings) merge(L.drawLocal, strings);
    },
    /* Where leaflet-draw is served and its texts in the page language: loaded by ready() on first use. */
    configure: function (url, strings) {
      draw.url = url;
      draw.strings = strings;
    },
    /* leaflet-draw loaded (once) and speaking the page language; a page that loaded it itself resolves at once. */
    ready: function () {
      if (!draw.ready) {
        var loaded = window.L && L.Draw ? Promise.resolve() : QJUtil.loadScript(draw.url);
        draw.ready = loaded.then(function () { QJDraw.locale(draw.strings); });
      }
      return draw.ready;
    },
  };
})();
