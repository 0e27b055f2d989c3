/* Qijiang Atlas editing tools: loaded only for signed-in editors (the server adds this script).
 * Place, move or reshape a feature, edit its attributes through a form built from the layer's
 * declaration, create and delete; every save carries source, accuracy and as_of and the feature's
 * version (If-Match), and a stale save shows both versions. Data is inserted with textContent only. */
(function () {
  "use strict";

  var node = document.getElementById("qj-edit-config");
  var QJ = window.QJAtlas;
  if (!node || !QJ) return;
  var C = JSON.parse(node.textContent);
  var CSRF = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var PROVENANCE = ["source", "accuracy", "as_of"];
  var VOCAB_FIELDS = {status: "status", accuracy: "accuracy", kind: "kind"};
  var LAYERS = {};
  C.layers.forEach(function (l) { LAYERS[l.id] = l; });
  var state = null;     // the open form: {layer, id, original, version, geometry, temp, creating}
  var QE = {config: C, state: function () { return state; }};
  window.QJEdit = QE;

  function t(key) { return (C.strings && C.strings[key]) || key; }
  function lang() { return QJ.lang === "en" ? "en" : "zh"; }
  function label(obj, field) { return obj[field + "_" + lang()] || obj[field + "_zh"] || ""; }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function button(text, cls, onClick) {
    var b = el("button", "btn btn-sm " + (cls || "btn-outline-secondary"), text);
    b.type = "button";
    b.addEventListener("click", function (ev) { ev.preventDefault(); onClick(); });
    return b;
  }
  function url(template, layer, fid) {
    return template.replace("LAYER", encodeURIComponent(layer)).replace("FID", encodeURIComponent(fid || ""));
  }
  function send(method, target, body, version) {
    var headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": CSRF};
    if (version) headers["If-Match"] = '"' + version + '"';
    return fetch(target, {method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
                          credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (data) { return {status: r.status, data: data}; }); });
  }

  /* ---------- geometry in the drawn datum <-> WGS-84 ---------- */
  function toWgs(geom) {
    return QJ.datum === "gcj02" ? gcoord.transform(geom, gcoord.GCJ02, gcoord.WGS84) : geom;
  }
  function toShown(geom) {
    return QJ.datum === "gcj02" ? gcoord.transform(JSON.parse(JSON.stringify(geom)), gcoord.WGS84, gcoord.GCJ02) : geom;
  }
  var temp = L.featureGroup().addTo(QJ.map);
  var drawing = null;
  function stopDrawing() {
    if (drawing && drawing.disable) drawing.disable();
    drawing = null;
    QJ.map.off("click", onPlaceClick);
    QJ.map.getContainer().classList.remove("qj-placing");
  }
  function showGeometry(geom, editable) {
    temp.clearLayers();
    if (!geom) return;
    var shown = toShown(geom);
    if (shown.type === "Point") {
      var ll = [shown.coordinates[1], shown.coordinates[0]];
      var icon = L.divIcon({className: "qj-edit-marker", iconSize: [18, 18]});
      var marker = L.marker(ll, {draggable: !!editable, keyboard: false, icon: icon});
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        state.geometry = toWgs({type: "Point", coordinates: [p.lng, p.lat]});
        updateGeometryText();
      });
      temp.addLayer(marker);
      return;
    }
    var gj = L.geoJSON(shown, {style: {color: "#c51b8a", weight: 3, fillOpacity: 0.15}});
    gj.eachLayer(function (layer) {
      temp.addLayer(layer);
      if (editable && layer.editing) {
        layer.editing.enable();
        layer.on("edit", function () { state.geometry = toWgs(layer.toGeoJSON().geometry); updateGeometryText(); });
      }
    });
  }
  function setGeometry(geom, editable) {
    stopDrawing();
    state.geometry = geom;
    showGeometry(geom, editable);
    updateGeometryText();
  }
  function onPlaceClick(ev) {
    var p = ev.latlng;
    setGeometry(toWgs({type: "Point", coordinates: [p.lng, p.lat]}), true);
  }
  function startPlacing() {
    stopDrawing();
    QJ.map.closePopup();
    QJ.map.getContainer().classList.add("qj-placing");
    QJ.map.on("click", onPlaceClick);
    setStatus(t("click_map"), "info");
  }
  function startDrawing(kind) {
    stopDrawing();
    drawing = kind === "line" ? new L.Draw.Polyline(QJ.map, {repeatMode: false}) : new L.Draw.Polygon(QJ.map, {repeatMode: false});
    drawing.qjEdit = true;
    drawing.enable();
  }
  QJ.map.on(L.Draw.Event.CREATED, function (ev) {
    if (!drawing || !state) return;   // the measuring tool's shapes are not ours
    setGeometry(toWgs(ev.layer.toGeoJSON().geometry), true);
  });

  /* ---------- the form ---------- */
  var panel = el("aside", "qj-edit-panel");
  panel.id = "qj-edit-panel";
  panel.hidden = true;
  document.body.appendChild(panel);
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);

  function setStatus(text, kind) {
    var box = panel.querySelector(".qj-edit-status");
    if (!box) return;
    box.textContent = text || "";
    box.className = "qj-edit-status" + (kind ? " alert alert-" + kind : "");
  }
  function updateGeometryText() {
    var box = panel.querySelector(".qj-edit-geometry-text");
    if (!box) return;
    var g = state.geometry;
    box.textContent = g ? g.type + (g.type === "Point" ? " " + g.coordinates[1].toFixed(5) + ", " + g.coordinates[0].toFixed(5) : "")
                        : t("no_geometry");
  }
  function plain(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join("\n");
    return String(value);
  }
  function inputFor(field, value) {
    var input;
    var vocab = VOCAB_FIELDS[field.name] && C.vocab[VOCAB_FIELDS[field.name]];
    if (vocab || field.type === "bool") {
      input = el("select", "form-select form-select-sm");
      input.appendChild(el("option", null, "— " + t("choose") + " —")).value = "";
      var keys = vocab ? Object.keys(vocab) : ["true", "false"];
      if (vocab && value && keys.indexOf(value) < 0) keys.push(value);
      keys.forEach(function (key) {
        var text = vocab ? (vocab[key] ? vocab[key][lang() === "en" ? 1 : 0] : key) : (key === "true" ? "✓" : "✗");
        var opt = el("option", null, text);
        opt.value = key;
        input.appendChild(opt);
      });
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
    var empty = function (v) { return v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length); };
    if (empty(a) && empty(b)) return true;
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function geometryButtons(layer) {
    var box = el("div", "qj-edit-geometry-tools");
    var types = layer.geometry_types.join(",");
    if (/Point/.test(types)) box.appendChild(button(t("place_point"), "btn-outline-primary qj-place-point", startPlacing));
    if (/LineString/.test(types)) box.appendChild(button(t("draw_line"), "btn-outline-secondary qj-draw-line", function () { startDrawing("line"); }));
    if (/Polygon/.test(types)) box.appendChild(button(t("draw_polygon"), "btn-outline-secondary qj-draw-polygon", function () { startDrawing("polygon"); }));
    if (state.geometry) box.appendChild(button(t("move"), "btn-outline-secondary qj-move", function () { setGeometry(state.geometry, true); }));
    box.appendChild(button(t("unplace"), "btn-outline-secondary qj-unplace", function () {
      setGeometry(null, false);
      panel.querySelector('[name="accuracy"]').value = "unplaced";
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
          var opt = el("option", null, label(f.properties, "name") || f.properties.id);
          opt.value = String(i);
          select.appendChild(opt);
        });
      });
    select.addEventListener("change", function () {
      var town = towns[Number(select.value)];
      if (!select.value || !town) return;
      setGeometry(JSON.parse(JSON.stringify(town.geometry)), false);
      if (C.area_class) panel.querySelector('[name="accuracy"]').value = C.area_class;
    });
    return select;
  }

  function buildForm(layer) {
    panel.textContent = "";
    var head = el("div", "qj-edit-head");
    head.appendChild(el("h2", "h6", (state.creating ? t("new_feature") : t("edit")) + " · " + label(layer, "title")));
    head.appendChild(button("×", "btn-close-x", close));
    panel.appendChild(head);
    var form = el("form", "qj-edit-form");
    form.noValidate = false;
    var geo = el("fieldset", "qj-edit-geometry");
    geo.appendChild(el("legend", "h6", t("geometry")));
    geo.appendChild(el("div", "qj-edit-geometry-text"));
    geo.appendChild(geometryButtons(layer));
    form.appendChild(geo);
    form.appendChild(el("p", "qj-edit-note", t("provenance")));
    var props = (state.original && state.original.properties) || {};
    layer.fields.forEach(function (field) {
      if (field.name === "family") return;
      var row = el("div", "qj-edit-row");
      var lab = el("label", "form-label", label(field, "label") + (field.required ? " *" : ""));
      var unit = field["unit_" + lang()] || field.unit_zh;
      if (unit) lab.appendChild(el("span", "qj-edit-unit", " (" + unit + ")"));
      var input = inputFor(field, props[field.name]);
      input.id = "qj-edit-" + field.name;
      lab.htmlFor = input.id;
      if (field.name === "id" && !state.creating) input.readOnly = true;
      row.appendChild(lab);
      row.appendChild(input);
      if (field.type === "list") row.appendChild(el("small", "text-secondary", t("list_hint")));
      if (PROVENANCE.indexOf(field.name) >= 0 && props[field.name]) {
        row.appendChild(el("small", "qj-edit-current text-secondary", t("current_value") + ": " + plain(props[field.name])));
      }
      form.appendChild(row);
    });
    var actions = el("div", "qj-edit-actions");
    var save = el("button", "btn btn-primary btn-sm qj-edit-save", t("save"));
    save.type = "submit";
    actions.appendChild(save);
    actions.appendChild(button(t("cancel"), null, close));
    if (!state.creating) actions.appendChild(button(t("delete"), "btn-outline-danger qj-edit-delete", remove));
    form.appendChild(actions);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(form, layer); });
    panel.appendChild(form);
    panel.appendChild(el("div", "qj-edit-status"));
    panel.appendChild(el("div", "qj-edit-conflict"));
    panel.hidden = false;
    updateGeometryText();
  }

  function body(form, layer) {
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
  }

  function showConflict(data) {
    var box = panel.querySelector(".qj-edit-conflict");
    box.textContent = "";
    box.appendChild(el("p", "alert alert-warning", t("conflict")));
    [["current_version", data.current], ["your_version", data.yours]].forEach(function (pair) {
      box.appendChild(el("h3", "h6", t(pair[0])));
      box.appendChild(el("pre", "qj-edit-version", JSON.stringify(pair[1], null, 1)));
    });
  }
  function showError(data) {
    var text = t("error") + ": " + (data.summary || "") + (data.parameter ? " [" + data.parameter + "]" : "") +
      " — " + (data.message || "");
    setStatus(text, "danger");
    if (data.parameter && panel.querySelector('[name="' + CSS.escape(data.parameter) + '"]')) {
      panel.querySelector('[name="' + CSS.escape(data.parameter) + '"]').classList.add("is-invalid");
    }
  }
  function finished(layerId, message) {
    setStatus(message, "success");
    return QJ.reloadLayer(layerId).then(function () {
      document.documentElement.setAttribute("data-edit-saved", String(Date.now()));
      close();
    });
  }

  function submit(form, layer) {
    if (!form.reportValidity()) return;
    var data = body(form, layer);
    var target = state.creating ? url(C.create_url, layer.id) : url(C.feature_url, layer.id, state.id);
    var layerId = layer.id;
    send(state.creating ? "POST" : "PATCH", target, data, state.creating ? null : state.version)
      .then(function (res) {
        if (res.status === 200 || res.status === 201) return finished(layerId, t("saved"));
        if (res.status === 409 && res.data.error === "VersionConflict") return showConflict(res.data);
        showError(res.data);
      })
      .catch(function (err) { setStatus(t("error") + ": " + err, "danger"); });
  }
  function remove() {
    if (!window.confirm(t("confirm_delete"))) return;
    var layerId = state.layer;
    send("DELETE", url(C.feature_url, layerId, state.id), {}, state.version).then(function (res) {
      if (res.status === 200) return finished(layerId, t("saved"));
      if (res.status === 409 && res.data.error === "VersionConflict") return showConflict(res.data);
      showError(res.data);
    });
  }
  function close() {
    stopDrawing();
    temp.clearLayers();
    state = null;
    panel.hidden = true;
    panel.textContent = "";
  }

  QE.open = function (layerId, featureId) {
    var layer = LAYERS[layerId];
    if (!layer) return Promise.resolve(false);
    close();
    QJ.map.closePopup();
    if (!featureId) {
      state = {layer: layerId, id: null, original: null, version: null, geometry: null, creating: true};
      buildForm(layer);
      return Promise.resolve(true);
    }
    return fetch(url(C.feature_url, layerId, featureId), {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        state = {layer: layerId, id: featureId, original: data.feature, version: data.version,
                 geometry: data.feature.geometry, creating: false};
        buildForm(layer);
        showGeometry(state.geometry, false);
        return true;
      });
  };

  /* ---------- entry points: a toolbar, and an edit button in every editable popup ---------- */
  function unplacedChoices(select) {
    select.textContent = "";
    select.appendChild(el("option", null, t("unplaced_features") + " …")).value = "";
    C.layers.forEach(function (layer) {
      var entry = QJ.layers[layer.id];
      (entry && entry.unplaced || []).forEach(function (f) {
        var opt = el("option", null, label(f.properties, "name") + " · " + label(layer, "title"));
        opt.value = layer.id + "/" + f.properties.id;
        select.appendChild(opt);
      });
    });
  }
  var Toolbar = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = el("div", "qj-edit-toolbar leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      box.appendChild(el("div", "qj-edit-user", t("signed_in") + ": " + C.user));
      var unplaced = el("select", "form-select form-select-sm qj-edit-unplaced");
      unplaced.setAttribute("aria-label", t("unplaced_features"));
      unplaced.addEventListener("focus", function () { unplacedChoices(unplaced); });
      unplaced.addEventListener("change", function () {
        var parts = unplaced.value.split("/");
        if (parts.length === 2) QE.open(parts[0], parts[1]);
        unplaced.value = "";
      });
      box.appendChild(unplaced);
      var layerSel = el("select", "form-select form-select-sm qj-edit-new-layer");
      layerSel.setAttribute("aria-label", t("layer"));
      C.layers.forEach(function (layer) {
        var opt = el("option", null, label(layer, "title"));
        opt.value = layer.id;
        layerSel.appendChild(opt);
      });
      box.appendChild(layerSel);
      box.appendChild(button(t("new_feature"), "btn-outline-primary qj-edit-new", function () { QE.open(layerSel.value, null); }));
      var links = el("div", "qj-edit-links");
      [["history", C.history_url], ["account", C.account_url]].forEach(function (pair) {
        var a = el("a", null, t(pair[0]));
        a.href = pair[1];
        links.appendChild(a);
        links.appendChild(document.createTextNode(" · "));
      });
      var out = el("form", "qj-edit-logout");
      out.method = "post";
      out.action = C.logout_url;
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = "csrf_token";
      hidden.value = CSRF;
      out.appendChild(hidden);
      var submitOut = el("button", "btn btn-link btn-sm p-0", t("logout"));
      submitOut.type = "submit";
      out.appendChild(submitOut);
      links.appendChild(out);
      box.appendChild(links);
      return box;
    },
  });
  new Toolbar().addTo(QJ.map);

  QJ.map.on("popupopen", function (ev) {
    var root = ev.popup.getElement();
    var box = root && root.querySelector(".qj-popup[data-feature-id]");
    if (!box || box.querySelector(".qj-popup-edit")) return;
    var fid = box.getAttribute("data-feature-id");
    var item = QJ.features[fid];
    if (!item || !LAYERS[item.layer]) return;
    box.appendChild(button(t("edit"), "btn-outline-primary qj-popup-edit", function () { QE.open(item.layer, fid); }));
  });
  document.documentElement.setAttribute("data-edit-ready", "true");
})();
