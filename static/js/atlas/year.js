/* Qijiang Atlas map page: the network through time (same rules as atlas/timeline.py) and the year slider. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var el = QJUtil.el, t = QJ.text.t;

  function yearOf(value) {
    if (value === null || value === undefined || typeof value === "boolean") return null;
    var m = /^\s*(\d{4})(?:\D|$)/.exec(String(value));
    return m ? parseInt(m[1], 10) : null;
  }

  /* "shown", "hidden", "planned" (dashed) or "unknown" (no sourced year: listed, not drawn) as of QJ.year */
  QJ.stateAt = function (cfg, props) {
    var timeline = QJ.config && QJ.config.timeline;
    if (QJ.year === null || !timeline || !cfg.time_field) return QJ.isPlanned(props) ? "planned" : "shown";
    if (QJ.isPlanned(props)) return QJ.year > timeline.present ? "planned" : "hidden";
    var year = yearOf(props[cfg.time_field]);
    if (year === null) return "unknown";
    return year <= QJ.year ? "shown" : "hidden";
  };

  /* Show the network as of ``year`` (null = today's map, no filter): redraw, legend, URL. */
  QJ.setYear = function (year) {
    QJ.year = year === null || year === undefined || year === "" ? null : parseInt(year, 10);
    QJ.redrawAll(QJ.map);
    updateYearControl();
    document.documentElement.setAttribute("data-year", QJ.year === null ? "" : String(QJ.year));
    QJ.writeUrl();
  };

  function updateYearControl() {
    var c = QJ.yearControl;
    if (!c) return;
    var on = QJ.year !== null;
    c.toggle.checked = on;
    c.range.disabled = !on;
    if (on) c.range.value = String(QJ.year);
    c.out.textContent = on ? String(QJ.year) : t("year_all");
    var heading = QJ.legend && QJ.legend.getContainer().querySelector(".qj-legend-year");
    if (heading) heading.textContent = on ? t("year_as_of").replace("{year}", QJ.year) : t("year_all");
  }

  function sliderParts(timeline) {
    var label = el("label", "qj-year-label");
    var toggle = el("input", "qj-year-toggle");
    toggle.type = "checkbox";
    label.appendChild(toggle);
    label.appendChild(el("span", null, " " + t("year_label") + " "));
    var out = el("output", "qj-year-out");
    label.appendChild(out);
    var range = el("input", "qj-year-range");
    range.type = "range";
    range.min = String(timeline.min);
    range.max = String(timeline.max);
    range.step = "1";
    range.value = String(timeline.present);
    range.setAttribute("aria-label", t("year_label"));
    return {label: label, toggle: toggle, out: out, range: range};
  }

  QJ.build.yearSlider = function (map) {
    var timeline = QJ.config.timeline;
    QJUtil.panel("bottomright", "qj-year leaflet-bar", function (box) {
      var parts = sliderParts(timeline);
      box.appendChild(parts.label);
      box.appendChild(parts.range);
      box.appendChild(el("div", "qj-year-note", t("year_note").replace("{present}", timeline.present)));
      parts.toggle.addEventListener("change", function () { QJ.setYear(parts.toggle.checked ? parts.range.value : null); });
      parts.range.addEventListener("input", function () { parts.out.textContent = parts.range.value; });
      parts.range.addEventListener("change", function () { QJ.setYear(parts.range.value); });
      QJ.yearControl = {box: box, toggle: parts.toggle, range: parts.range, out: parts.out};
    }).addTo(map);
    updateYearControl();
  };
})();
