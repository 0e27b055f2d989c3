/* Qijiang Atlas editing tools: saving, deleting and conflicts, opening a feature's form, and the entry
 * points (a toolbar on the map and an edit button in every editable popup). */
(function () {
  "use strict";

  var QE = window.QJEdit, QJ = window.QJAtlas;
  if (!QE) return;
  var C = QE.config, panel = QE.panel;
  var el = QJUtil.el, t = QE.text.t, tr = QE.text.tr, button = QE.button;

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
    QE.setStatus(text, "danger");
    if (data.parameter && panel.querySelector('[name="' + CSS.escape(data.parameter) + '"]')) {
      panel.querySelector('[name="' + CSS.escape(data.parameter) + '"]').classList.add("is-invalid");
    }
  }
  function finished(layerId, message) {
    QE.setStatus(message, "success");
    return QJ.reloadLayer(layerId).then(function () {
      document.documentElement.setAttribute("data-edit-saved", String(Date.now()));
      QE.close();
    });
  }
  /* What the server answered to a save or delete: done, a conflict, or an error. */
  function answered(layerId, ok) {
    return function (res) {
      if (ok.indexOf(res.status) >= 0) return finished(layerId, t("saved"));
      if (res.status === 409 && res.data.error === "VersionConflict") return showConflict(res.data);
      showError(res.data);
    };
  }

  QE.submit = function (form, layer) {
    if (!form.reportValidity()) return;
    var state = QE.current;
    var data = QE.body(form, layer);
    var target = state.creating ? QE.url(C.create_url, layer.id) : QE.url(C.feature_url, layer.id, state.id);
    QE.send(state.creating ? "POST" : "PATCH", target, data, state.creating ? null : state.version)
      .then(answered(layer.id, [200, 201]))
      .catch(function (err) { QE.setStatus(t("error") + ": " + err, "danger"); });
  };
  QE.remove = function () {
    if (!window.confirm(t("confirm_delete"))) return;
    var layerId = QE.current.layer;
    QE.send("DELETE", QE.url(C.feature_url, layerId, QE.current.id), {}, QE.current.version).then(answered(layerId, [200]));
  };
  QE.close = function () {
    QE.stopDrawing();
    QE.temp.clearLayers();
    QE.current = null;
    panel.hidden = true;
    panel.textContent = "";
  };

  QE.open = function (layerId, featureId) {
    var layer = QE.layers[layerId];
    if (!layer) return Promise.resolve(false);
    QE.close();
    QJ.map.closePopup();
    if (!featureId) {
      QE.current = {layer: layerId, id: null, original: null, version: null, geometry: null, creating: true};
      QE.buildForm(layer);
      return Promise.resolve(true);
    }
    return fetch(QE.url(C.feature_url, layerId, featureId), {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        QE.current = {layer: layerId, id: featureId, original: data.feature, version: data.version,
                      geometry: data.feature.geometry, creating: false};
        QE.buildForm(layer);
        QE.showGeometry(QE.current.geometry, false);
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
        var opt = el("option", null, tr(f.properties, "name") + " · " + tr(layer, "title"));
        opt.value = layer.id + "/" + f.properties.id;
        select.appendChild(opt);
      });
    });
  }
  function unplacedSelect() {
    var unplaced = el("select", "form-select form-select-sm qj-edit-unplaced");
    unplaced.setAttribute("aria-label", t("unplaced_features"));
    unplaced.addEventListener("focus", function () { unplacedChoices(unplaced); });
    unplaced.addEventListener("change", function () {
      var parts = unplaced.value.split("/");
      if (parts.length === 2) QE.open(parts[0], parts[1]);
      unplaced.value = "";
    });
    return unplaced;
  }
  function layerSelect() {
    var layerSel = el("select", "form-select form-select-sm qj-edit-new-layer");
    layerSel.setAttribute("aria-label", t("layer"));
    C.layers.forEach(function (layer) {
      var opt = el("option", null, tr(layer, "title"));
      opt.value = layer.id;
      layerSel.appendChild(opt);
    });
    return layerSel;
  }
  function logoutForm() {
    var out = el("form", "qj-edit-logout");
    out.method = "post";
    out.action = C.logout_url;
    var hidden = el("input");
    hidden.type = "hidden";
    hidden.name = "csrf_token";
    hidden.value = QE.csrf;
    out.appendChild(hidden);
    var submitOut = el("button", "btn btn-link btn-sm p-0", t("logout"));
    submitOut.type = "submit";
    out.appendChild(submitOut);
    return out;
  }
  function accountLinks() {
    var links = el("div", "qj-edit-links");
    [["history", C.history_url], ["account", C.account_url]].forEach(function (pair) {
      var a = el("a", null, t(pair[0]));
      a.href = pair[1];
      links.appendChild(a);
      links.appendChild(document.createTextNode(" · "));
    });
    links.appendChild(logoutForm());
    return links;
  }
  var Toolbar = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = el("div", "qj-edit-toolbar leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      box.appendChild(el("div", "qj-edit-user", t("signed_in") + ": " + C.user));
      box.appendChild(unplacedSelect());
      var layerSel = layerSelect();
      box.appendChild(layerSel);
      box.appendChild(button(t("new_feature"), "btn-outline-primary qj-edit-new", function () { QE.open(layerSel.value, null); }));
      box.appendChild(accountLinks());
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
    if (!item || !QE.layers[item.layer]) return;
    box.appendChild(button(t("edit"), "btn-outline-primary qj-popup-edit", function () { QE.open(item.layer, fid); }));
  });
  document.documentElement.setAttribute("data-edit-ready", "true");
})();
