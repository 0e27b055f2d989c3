/* Qijiang Atlas investor view: the ranking table (sortable, a row per shown park, why each score), and
 * a polite announcement when the order changes. */
(function () {
  "use strict";

  var P = window.QJParks;
  var el = QJUtil.el, T = P.text, t = T.t, tr = T.tr;

  function sortValue(park) {
    if (P.sort === "rank") return park.rank;
    if (P.sort === "score") return park.score;
    if (P.sort === "name") return tr(park, "name") || park.id;
    var metric = park.metrics[P.sort];
    return metric ? metric.normalised : null;
  }

  function sortedShown(data) {
    var shown = data.parks.filter(function (p) { return p.hidden_by.length === 0; });
    var better = P.sort === "rank" || P.sort === "name" ? 1 : -1;  // scores: best (largest) first by default
    var dir = (P.desc ? -1 : 1) * better;
    return shown.slice().sort(function (a, b) {
      var va = sortValue(a), vb = sortValue(b);
      if (va === null || va === undefined) return (vb === null || vb === undefined) ? a.rank - b.rank : 1;
      if (vb === null || vb === undefined) return -1;
      var c = typeof va === "string" ? va.localeCompare(vb, T.locale()) : va - vb;
      return c !== 0 ? dir * c : a.rank - b.rank;
    });
  }

  function metricCell(park, key) {
    var metric = park.metrics[key];
    var td = el("td", "qj-metric");
    td.setAttribute("data-criterion", key);
    td.appendChild(el("div", "qj-metric-value", P.formatMetric(metric)));
    if (metric.weight > 0) {
      var why = metric.normalised === null ? t("missing_data") + " · +0" :
        P.number(metric.normalised, 2) + " → +" + P.number(metric.contribution, 1);
      td.appendChild(el("div", "qj-why small text-secondary", why));
    }
    if (metric.value === null) td.classList.add("qj-unknown");
    return td;
  }

  function missingFlag(park) {
    var flag = el("span", "badge text-bg-warning qj-missing", t("missing_data") + " " + park.missing.length);
    var labels = {};
    P.cfg.criteria.forEach(function (c) { labels[c.key] = c.label; });
    flag.title = t("unknown") + ": " + park.missing.map(function (key) { return labels[key] || key; }).join(", ");
    return flag;
  }

  function nameCell(park) {
    var td = el("th", "qj-name");     // the row's header: screen readers name each cell by its park
    td.setAttribute("scope", "row");
    var a = el("a", null, tr(park, "name") || park.id);
    a.href = P.cfg.profile_url.replace("__ID__", encodeURIComponent(park.id)) + (P.query ? "?" + P.query : "");
    td.appendChild(a);
    if (park.placed) {   // the keyboard's way to what a click on the row does
      var show = el("button", "btn btn-link btn-sm p-0 ms-1 qj-show-on-map", "◎");
      show.type = "button";
      show.title = t("show_on_map") + " " + (tr(park, "name") || park.id);
      show.setAttribute("aria-label", show.title);
      show.addEventListener("click", function () { P.focusPark(park.id); });
      td.appendChild(show);
    }
    td.appendChild(el("div", "small text-secondary", P.otherName(park)));
    if (!park.placed) td.appendChild(el("span", "badge text-bg-secondary qj-unplaced-badge", t("unplaced")));
    if (park.missing.length) td.appendChild(missingFlag(park));
    return td;
  }

  function selectCell(park) {
    var td = el("td");
    var box = el("input", "form-check-input qj-select");
    box.type = "checkbox";
    box.checked = P.selected.indexOf(park.id) >= 0;
    box.setAttribute("aria-label", t("select") + " " + (tr(park, "name") || park.id));
    box.addEventListener("change", function () {
      P.selected = P.selected.filter(function (id) { return id !== park.id; });
      if (box.checked) P.selected.push(park.id);
      P.refresh();
    });
    td.appendChild(box);
    return td;
  }

  function scoreCell(park) {
    var score = el("td", "qj-score");
    var swatch = el("span", "qj-swatch");
    swatch.style.background = P.colourFor(park.score);
    swatch.setAttribute("role", "img");
    swatch.setAttribute("aria-label", P.band(park.score));
    swatch.title = P.band(park.score);
    score.appendChild(swatch);
    score.appendChild(el("span", "qj-score-value", park.score === null ? t("unknown") : P.number(park.score, 1)));
    var known = el("div", "small text-secondary qj-known-share",
      T.fmt("known_share", {share: Math.round(100 * park.known_share), known: park.known_criteria, n: park.criteria_count}));
    score.appendChild(known);
    if (park.industry_match === true) score.appendChild(el("span", "badge text-bg-success qj-match-badge", t("match")));
    return score;
  }

  function parkRow(park) {
    var row = el("tr", "qj-park-row");
    row.setAttribute("data-park-id", park.id);
    row.appendChild(selectCell(park));
    row.appendChild(el("td", "qj-rank", park.rank));
    row.appendChild(nameCell(park));
    row.appendChild(scoreCell(park));
    P.cfg.criteria.forEach(function (c) { row.appendChild(metricCell(park, c.key)); });
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("a, input, button")) return;
      P.focusPark(park.id);
    });
    return row;
  }

  P.renderTable = function (data) {
    var body = document.querySelector("#qj-parks-table tbody");
    body.textContent = "";
    sortedShown(data).forEach(function (park) { body.appendChild(parkRow(park)); });
    document.querySelectorAll("#qj-parks-table th[data-sort]").forEach(function (th) {
      th.classList.toggle("qj-sorted", th.getAttribute("data-sort") === P.sort);
      th.setAttribute("aria-sort", th.getAttribute("data-sort") === P.sort ? (P.desc ? "descending" : "ascending") : "none");
    });
  };

  P.currentOrder = function () {
    return Array.prototype.map.call(document.querySelectorAll(".qj-park-row"), function (row) { return row.dataset.parkId; });
  };

  /* Tell screen-reader users that the ranking changed (a polite live region), and what is first now. */
  P.announce = function (before) {
    var after = P.currentOrder();
    if (!before.length || before.join() === after.join()) return;
    var first = P.data.parks.filter(function (p) { return p.id === after[0]; })[0];
    document.getElementById("qj-parks-announce").textContent =
      T.fmt("reordered", {name: first ? (tr(first, "name") || first.id) : "", n: after.length});
  };
})();
