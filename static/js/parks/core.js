/* Qijiang Atlas investor view: the QJParks object the other parks scripts extend, and what they share
 * (texts, numbers, score colours and bands). Data text goes through textContent only. */
(function () {
  "use strict";

  var P = {parks: {}, data: null, version: 0, selected: [], sort: "rank", desc: false, token: 0};
  window.QJParks = P;

  /* Texts come translated from the server (parks_strings() in atlas/web/parks.py). */
  P.text = QJUtil.texts(function () { return P.cfg; });
  var T = P.text, t = T.t, tr = T.tr;

  /* A number with exactly ``digits`` decimals in the page's locale. */
  P.number = function (value, digits) { return T.number(value, digits, digits); };

  P.safeId = function (id) { return String(id).replace(/[^A-Za-z0-9_-]/g, "_"); };

  /* The name in the other language, when it differs. */
  P.otherName = function (obj) {
    var other = T.isEnglish() ? obj.name_zh : obj.name_en;
    return other && other !== tr(obj, "name") ? other : "";
  };

  /* The context layers (district, stations, hubs) are drawn by the atlas scripts: give them the page
     language, and let them name the map's controls. */
  P.useAtlas = function (map, cfg) {
    if (!window.QJAtlas) return;
    window.QJAtlas.useLanguage(cfg.lang, cfg.atlas_strings);
    window.QJAtlas.labelControls(map);
  };

  P.colourFor = function (score) {
    if (score === null || score === undefined) return P.cfg.no_score;
    var colour = P.cfg.classes[0][1];
    P.cfg.classes.forEach(function (pair) { if (score >= pair[0]) colour = pair[1]; });
    return colour;
  };

  /* The score band of ``score`` in words ("score 40–60"), for the colour-blind and screen readers. */
  P.band = function (score) {
    if (score === null || score === undefined) return t("no_score");
    var classes = P.cfg.classes, text = "";
    classes.forEach(function (pair, i) {
      if (score >= pair[0]) text = pair[0] + "–" + (i + 1 < classes.length ? classes[i + 1][0] : 100);
    });
    return t("score") + " " + text;
  };

  /* A criterion's value in words: km for distances (an interval for a site known only as an area). */
  P.formatMetric = function (metric) {
    var v = metric.value;
    if (v === null || v === undefined) return t("unknown");
    if (metric.unit === "m" && metric.interval) {   // a site known only to lie in an area: nearest–farthest
      return P.number(metric.interval[0] / 1000, 2) + "–" + P.number(metric.interval[1] / 1000, 2) + " " + t("km") +
        " " + t("interval");
    }
    if (metric.unit === "m") return P.number(v / 1000, 2) + " " + t("km");
    if (metric.unit === "km2") return T.number(v, 2) + " " + t("km2");
    if (metric.unit === "match") return v === 1 ? t("match") : t("no_match");
    return String(v);
  };
})();
