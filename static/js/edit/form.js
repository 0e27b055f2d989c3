/* Qijiang Atlas editing tools: the form built from a layer's declaration (an input per field, vocabularies
 * as choices, provenance asked anew at every save) and the change it sends (only what was changed). */
(function () {
  "use strict";

  var QE = window.QJEdit, QJ = window.QJAtlas;
  if (!QE) return;
  var C = QE.config, PROVENANCE = QE.PROVENANCE;
  var el = QJUtil.el, T = QE.text, t = T.t, tr = T.tr, button = QE.button;
  var VOCAB_FIELDS = {status: "status", accuracy: "accuracy", kind: "kind"};

  function plain(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join("\n");
    return String(value);
  }
  function choiceInput(vocab, value) {
    var input = el("select", "form-select form-select-sm");
    input.appendChild(el("option", null, "— " + t("choose") + " —")).value = "";
    var keys = vocab ? Object.keys(vocab) : ["true", "false"];
    if (vocab && value && keys.indexOf(value) < 0) keys.push(value);
    keys.forEach(function (key) {
      var text = vocab ? (vocab[key] ? vocab[key][T.isEnglish() ? 1 : 0] : key) : (key === "true" ? "✓" : "✗");
      var opt = el("option", null, text);
      opt.value = key;
      input.appendChild(opt);
    });
    return input;
  }
  function inputFor(field, value) {
    var input;
    var vocab = VOCAB_FIELDS[field.name] && C.vocab[VOCAB_FIELDS[field.name]];
    if (vocab || field.type === "bool") {
      input = choiceInput(vocab, value);
    } else if (field.type === "list" || /^description_/.test(field.name) || field.name === "source") {
      input = el("textarea", "form-control form-control-sm");
      input.rows = field.type === "list" ? 3 : 2;
    } else {
      input = el("input", "form-control form-control-sm");
      input.type = field.type === "number" || field.type === "int" ? "number" : "text";
      if (input.type === "number") input.step = field.type === "int" ? "1" : "any";
      if (field.type === "date") input.placeholder = "YYYY / YYYY-MM / YYYY-MM-DD";
    }
    input.name = field.name;
    input.value = PROVENANCE.indexOf(field.name) >= 0 ? "" : plain(value);
    if (field.required) input.required = true;
    return input;
  }
  function readField(field, input) {
    var text = input.value.trim();
    if (text === "") return null;
    if (field.type === "number") return Number(text);
    if (field.type === "int") return parseInt(text, 10);
    if (field.type === "bool") return text === "true";
    if (field.type === "list") return text.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    return text;
  }
  function same(a, b) {
    if (QJUtil.isMissing(a) && QJUtil.isMissing(b)) return true;
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function geometryButtons(layer) {
    var box = el("div", "qj-edit-geometry-tools");
    var types = layer.geometry_types.join(",");
    if (/Point/.test(types)) box.appendChild(button(t("place_point"), "btn-outline-primary qj-place-point", QE.startPlacing));
    if (/LineString/.test(types)) box.appendChild(button(t("draw_line"), "btn-outline-secondary qj-draw-line", function () { QE.startDrawing("line"); }));
    if (/Polygon/.test(types)) box.appendChild(button(t("draw_polygon"), "btn-outline-secondary qj-draw-polygon", function () { QE.startDrawing("polygon"); }));
    if (QE.current.geometry) box.appendChild(button(t("move"), "btn-outline-secondary qj-move", function () { QE.setGeometry(QE.current.geometry, true); }));
    box.appendChild(button(t("unplace"), "btn-outline-secondary qj-unplace", function () {
      QE.setGeometry(null, false);
      QE.panel.querySelector('[name="accuracy"]').value = "unplaced";
    }));
    if (/Polygon/.test(types) && C.towns_url) box.appendChild(townChooser());
    return box;
  }
  function townChooser() {
    var select = el("select", "form-select form-select-sm qj-town-choice");
    select.setAttribute("aria-label", t("choose_town"));
    select.appendChild(el("option", null, t("choose_town"))).value = "";
    var towns = [];
    var loaded = QJ.layers.towns && QJ.layers.towns.fc;
    (loaded ? Promise.resolve(loaded) : fetch(C.towns_url).then(function (r) { return r.json(); }))
      .then(function (fc) {
        towns = fc.features.filter(function (f) { return f.geometry; });
        towns.forEach(function (f, i) {
          var opt = el("option", null, tr(f.properties, "name") || f.properties.id);
          opt.value = String(i);
          select.appendChild(opt);
        });
      });
    select.addEventListener("change", function () {
      var town = towns[Number(select.value)];
      if (!select.value || !town) return;
      // the layer's copy is rounded to its accuracy class: the outline saved is the town's own, in full
      fetch(QE.url(C.feature_url, "towns", town.properties.id), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          QE.setGeometry(data.feature.geometry, false);
          if (C.area_class) QE.panel.querySelector('[name="accuracy"]').value = C.area_class;
        });
    });
    return select;
  }

  function fieldRow(field, props) {
    var row = el("div", "qj-edit-row");
    var lab = el("label", "form-label", tr(field, "label") + (field.required ? " *" : ""));
    var unit = tr(field, "unit");
    if (unit) lab.appendChild(el("span", "qj-edit-unit", " (" + unit + ")"));
    var input = inputFor(field, props[field.name]);
    input.id = "qj-edit-" + field.name;
    lab.htmlFor = input.id;
    if (field.name === "id" && !QE.current.creating) input.readOnly = true;
    row.appendChild(lab);
    row.appendChild(input);
    if (field.type === "list") row.appendChild(el("small", "text-secondary", t("list_hint")));
    if (PROVENANCE.indexOf(field.name) >= 0 && props[field.name]) {
      row.appendChild(el("small", "qj-edit-current text-secondary", t("current_value") + ": " + plain(props[field.name])));
    }
    return row;
  }

  function formActions() {
    var actions = el("div", "qj-edit-actions");
    var save = el("button", "btn btn-primary btn-sm qj-edit-save", t("save"));
    save.type = "submit";
    actions.appendChild(save);
    actions.appendChild(button(t("cancel"), null, QE.close));
    if (!QE.current.creating) actions.appendChild(button(t("delete"), "btn-outline-danger qj-edit-delete", QE.remove));
    return actions;
  }

  QE.buildForm = function (layer) {
    var panel = QE.panel;
    panel.textContent = "";
    var head = el("div", "qj-edit-head");
    head.appendChild(el("h2", "h6", (QE.current.creating ? t("new_feature") : t("edit")) + " · " + tr(layer, "title")));
    head.appendChild(button("×", "btn-close-x", QE.close));
    panel.appendChild(head);
    var form = el("form", "qj-edit-form");
    form.noValidate = false;
    var geo = el("fieldset", "qj-edit-geometry");
    geo.appendChild(el("legend", "h6", t("geometry")));
    geo.appendChild(el("div", "qj-edit-geometry-text"));
    geo.appendChild(geometryButtons(layer));
    form.appendChild(geo);
    form.appendChild(el("p", "qj-edit-note", t("provenance")));
    var props = (QE.current.original && QE.current.original.properties) || {};
    layer.fields.forEach(function (field) {
      if (field.name !== "family") form.appendChild(fieldRow(field, props));
    });
    form.appendChild(formActions());
    form.addEventListener("submit", function (ev) { ev.preventDefault(); QE.submit(form, layer); });
    panel.appendChild(form);
    panel.appendChild(el("div", "qj-edit-status"));
    panel.appendChild(el("div", "qj-edit-conflict"));
    panel.hidden = false;
    QE.updateGeometryText();
  };

  /* The request body: every changed field (all of them for a new feature, provenance always), and the
     geometry if it changed. */
  QE.body = function (form, layer) {
    var state = QE.current;
    var props = {};
    var old = (state.original && state.original.properties) || {};
    layer.fields.forEach(function (field) {
      var input = form.elements[field.name];
      if (!input) return;
      var value = readField(field, input);
      if (state.creating || PROVENANCE.indexOf(field.name) >= 0 || !same(value, old[field.name])) {
        if (value !== null || field.name in old) props[field.name] = value;
      }
    });
    var out = {type: "Feature", properties: props};
    var oldGeom = state.original ? state.original.geometry : null;
    if (state.creating || JSON.stringify(oldGeom) !== JSON.stringify(state.geometry)) out.geometry = state.geometry;
    return out;
  };
})();
