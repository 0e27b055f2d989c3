/* Corridor comparison (planner view): the QJCorridors object the other corridor scripts extend, and what
 * they share (texts, names, numbers, page state). Every value from data or the server is inserted with
 * textContent. */
(function () {
  "use strict";

  var QJC = {panels: [], proposalPanel: null, config: null, result: null, proposal: null, context: {}, seq: 0, chart: null};
  window.QJCorridors = QJC;

  /* The layers a comparison counts as served, as their declarations say (``roles`` in layers/*.toml). */
  QJC.served = function () { return QJC.config.roles.served; };
  QJC.hasRole = function (layerId, role) { return QJC.config.roles[role].indexOf(layerId) >= 0; };
  /* The (first) layer declaring ``role``, e.g. the stations or the district outline. */
  QJC.layerOf = function (role) { return QJC.config.roles[role][0]; };

  /* Texts come translated from the server (corridor_strings() in atlas/web/corridors.py; a layer's
   * title under its id). */
  QJC.text = QJUtil.texts(function () { return QJC.config; });
  var T = QJC.text, t = T.t;

  QJC.label = function (vocab, key) {
    if (key === "proposed") return t("proposed");
    if (key === "drawn") return t("drawn");
    return T.vocabLabel(vocab, key);
  };

  /* A number with exactly ``digits`` decimals in the page's locale (unknown if missing). */
  QJC.num = function (value, digits) { return T.number(value, digits, digits); };

  /* A feature's name in the page language (English falls back to Chinese). */
  QJC.nameOf = function (props) { return T.tr(props, "name"); };

  /* A compared corridor's name; a proposed line keeps the name its author gave it. */
  QJC.corridorName = function (c) {
    if (c.id === "proposed" && c.name_zh === QJC.config.proposed_default_name) return t("proposed_line");
    if (c.id === "proposed") return c.name_zh;
    return QJC.nameOf(c) || c.id;
  };

  /* id -> name of every served feature: the comparison's Chinese names, English ones from the context layers. */
  QJC.servedNames = function (result) {
    if (!T.isEnglish()) return result.names;
    var names = {};
    Object.keys(result.names).forEach(function (id) { names[id] = result.names[id]; });
    Object.keys(QJC.context).forEach(function (layerId) {
      var fc = QJC.context[layerId];
      ((fc && fc.features) || []).forEach(function (f) {
        var props = f.properties || {};
        if (props.id && props.name_en) names[props.id] = props.name_en;
      });
    });
    return names;
  };

  QJC.setState = function (state) {
    var root = document.documentElement;
    root.setAttribute("data-corridors-state", state);
    if (state === "ready") root.setAttribute("data-corridors-renders", String((+root.getAttribute("data-corridors-renders") || 0) + 1));
  };

  QJC.showMessage = function (text) {
    var box = document.getElementById("qj-message");
    box.textContent = text || "";
    box.hidden = !text;
  };
})();
