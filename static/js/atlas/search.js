/* Qijiang Atlas map page: the search, a combobox (WAI-ARIA 1.2) whose options open the same popup as a click. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var el = QJUtil.el, t = QJ.text.t, tr = QJ.text.tr;

  function searchParts() {
    var box = el("div", "qj-search leaflet-bar");
    box.setAttribute("role", "search");
    var input = el("input", "qj-search-input");
    input.type = "search";
    input.placeholder = t("search");
    var attrs = {"aria-label": t("search_label"), role: "combobox", "aria-autocomplete": "list",
                 "aria-expanded": "false", "aria-controls": "qj-search-results"};
    Object.keys(attrs).forEach(function (name) { input.setAttribute(name, attrs[name]); });
    var list = el("ul", "qj-search-results");
    list.id = "qj-search-results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t("search_results"));
    var status = el("div", "qj-sr-only qj-search-status");
    status.setAttribute("role", "status");
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    return {box: box, input: input, list: list, status: status};
  }

  function hitOption(hit, i) {
    var li = el("li", "qj-search-hit");
    li.id = "qj-search-hit-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.setAttribute("data-feature-id", hit.id);
    li.appendChild(el("span", "qj-hit-name", tr(hit, "name")));
    li.appendChild(el("span", "qj-hit-en", " " + (QJ.lang === "en" ? hit.name_zh : hit.name_en || "")));
    li.appendChild(el("span", "qj-hit-layer", " · " + tr(hit, "layer_title") + (hit.placed ? "" : " · " + t("unplaced"))));
    return li;
  }

  /* The combobox's state: the last hits and the option chosen with the arrow keys. */
  function SearchState(ui) {
    this.ui = ui;
    this.hits = [];
    this.active = -1;
  }
  SearchState.prototype.options = function () { return this.ui.list.querySelectorAll(".qj-search-hit"); };
  SearchState.prototype.clear = function () {
    this.ui.list.textContent = "";
    this.active = -1;
    this.ui.input.setAttribute("aria-expanded", "false");
    this.ui.input.removeAttribute("aria-activedescendant");
  };
  SearchState.prototype.move = function (delta) {
    var opts = this.options();
    if (!opts.length) return;
    this.active = (this.active + delta + opts.length) % opts.length;
    var active = this.active;
    Array.prototype.forEach.call(opts, function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
    this.ui.input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({block: "nearest"});
  };
  SearchState.prototype.choose = function (hit, fromKeyboard) {
    this.clear();
    QJ.focusFeature(hit.id, hit, fromKeyboard ? this.ui.input : null);
  };
  SearchState.prototype.show = function (hits) {
    var self = this, ui = this.ui;
    this.hits = hits;
    this.clear();
    if (!hits.length) ui.list.appendChild(el("li", "qj-search-empty", t("no_match")));
    hits.forEach(function (hit, i) {
      var li = hitOption(hit, i);
      li.addEventListener("click", function () { self.choose(hit, false); });
      ui.list.appendChild(li);
    });
    ui.input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    ui.status.textContent = hits.length ? t("results_count").replace("{n}", hits.length) : t("no_match");
  };
  SearchState.prototype.run = function (then) {
    var self = this, q = this.ui.input.value.trim();
    if (!q) { this.clear(); return; }
    fetch(QJ.config.search_url + "?q=" + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (self.ui.input.value.trim() !== q) return;   // typed on meanwhile
        self.show(data.results || []);
        if (then) then();
      });
  };
  SearchState.prototype.onKey = function (ev) {
    var self = this;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      var delta = ev.key === "ArrowDown" ? 1 : -1;
      if (!this.options().length) this.run(function () { self.move(delta); });
      else this.move(delta);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      clearTimeout(this.timer);
      // Enter opens the highlighted option, else the best match (searching first if needed)
      if (this.hits.length && this.options().length) this.choose(this.hits[Math.max(this.active, 0)], true);
      else this.run(function () { if (self.hits.length) self.choose(self.hits[0], true); });
    } else if (ev.key === "Escape" && this.options().length) {
      ev.preventDefault();
      ev.stopPropagation();
      this.clear();
    }
  };

  QJ.build.search = function (map) {
    var Search = L.Control.extend({
      options: {position: "topleft"},
      onAdd: function () {
        var ui = searchParts();
        var state = new SearchState(ui);
        L.DomEvent.disableClickPropagation(ui.box);
        L.DomEvent.disableScrollPropagation(ui.box);
        ui.input.addEventListener("input", function () {
          clearTimeout(state.timer);
          state.timer = setTimeout(function () { state.run(); }, 200);
        });
        ui.input.addEventListener("keydown", function (ev) { state.onKey(ev); });
        QJ.searchInput = ui.input;
        return ui.box;
      },
    });
    new Search().addTo(map);
  };
})();
