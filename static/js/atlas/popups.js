/* Qijiang Atlas map page: a feature's popup (every attribute, labels with units, escaped) and tooltip,
 * popups as named dialogs for screen readers, and opening a feature's popup from the search. */
(function () {
  "use strict";

  var QJ = window.QJAtlas;
  var el = QJUtil.el, T = QJ.text, t = T.t, tr = T.tr;

  function attributeRow(label, title, text) {
    var row = el("tr");
    var th = el("th", null, label);
    if (title) th.title = title;
    row.appendChild(th);
    row.appendChild(el("td", null, text));
    return row;
  }

  /* Every declared field with its label in the page language, then any undeclared attribute by its key. */
  function attributeTable(cfg, props) {
    var table = el("table", "qj-attrs");
    var shown = {};
    cfg.fields.forEach(function (field) {
      shown[field.name] = true;
      if (field.name === "name_zh" || field.name === "name_en") return;
      var en = QJ.lang === "en";
      table.appendChild(attributeRow(en ? field.label_en : field.label_zh, en ? field.label_zh : field.label_en,
                                     T.value(field, props[field.name])));
    });
    Object.keys(props).forEach(function (key) {   // undeclared attributes are shown too
      if (shown[key] || key === "id" || key === "family") return;
      var field = {name: key, type: Array.isArray(props[key]) ? "list" : "str"};
      table.appendChild(attributeRow(key, null, T.value(field, props[key])));
    });
    return table;
  }

  /* Popup content as DOM nodes: every attribute, Chinese labels with units, escaped. */
  QJ.popupContent = function (cfg, feature) {
    var props = feature.properties || {};
    var box = el("div", "qj-popup");
    box.setAttribute("data-feature-id", props.id || "");
    box.tabIndex = 0;    // it scrolls when long: keyboard users must be able to scroll it
    box.appendChild(el("h2", "qj-popup-title", tr(props, "name") || props.id));
    var second = QJ.lang === "en" ? props.name_zh : props.name_en;
    if (second) box.appendChild(el("div", "qj-popup-en", second));
    box.appendChild(el("span", "qj-badge qj-badge-" + (props.accuracy || "unknown"), T.vocabLabel("accuracy", props.accuracy)));
    var drawn = QJ.drawnAs(props);
    if (drawn) box.appendChild(el("span", "qj-popup-style", drawn));
    box.appendChild(attributeTable(cfg, props));
    box.appendChild(el("div", "qj-popup-layer", tr(cfg, "title")));
    addChangeInfo(box, props.id);
    return box;
  };

  /* "Last changed" date and the source given, for features edited in the browser or by API. */
  function addChangeInfo(box, id) {
    var url = QJ.config && QJ.config.history_summary_url;
    if (!url || !id) return;
    var line = el("div", "qj-popup-changed");
    box.appendChild(line);
    fetch(url.replace("FID", encodeURIComponent(id)), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (info) {
        if (!info || !info.changed) return;
        line.textContent = t("last_changed") + " " + info.date + " · " + t("change_source") + ": " + (info.source || t("unknown"));
        line.setAttribute("data-changed", info.date);
      })
      .catch(function () { /* the popup stays as it is */ });
  }

  QJ.tooltipContent = function (props) {
    var span = el("span", "qj-tip", tr(props, "name") || props.id);
    var second = QJ.lang === "en" ? props.name_zh : props.name_en;
    if (second) span.appendChild(el("span", "qj-tip-en", " " + second));
    return span;
  };

  /* Popups are dialogs named after their feature, so a screen reader reads them out when they open. */
  QJ.build.accessiblePopups = function (map) {
    map.on("popupopen", function (ev) {
      var node = ev.popup.getElement();
      if (!node) return;
      var title = node.querySelector(".qj-popup-title, .qj-measure-result");
      node.setAttribute("role", "dialog");
      node.setAttribute("aria-label", title ? title.textContent : t("popup"));
      node.setAttribute("tabindex", "-1");
      var close = node.querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", t("close")); close.title = t("close"); }
      if (QJ._returnFocus) node.focus({preventScroll: true});
    });
    map.on("popupclose", function () {
      var back = QJ._returnFocus;
      QJ._returnFocus = null;
      if (back && document.contains(back)) back.focus();
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" || !map._popup || !map.hasLayer(map._popup)) return;
      map.closePopup();
    });
  };

  /* A search hit with no place on the map: say so in a popup at the centre. */
  function unplacedNote(map, id, hit) {
    var info = hit || {name_zh: id};
    var note = el("div", "qj-popup");
    note.appendChild(el("h2", "qj-popup-title", tr(info, "name") || id));
    note.appendChild(el("p", null, t("unplaced_long")));
    L.popup().setLatLng(map.getCenter()).setContent(note).openOn(map);
    return false;
  }

  /* Open a feature's popup (the same one a click opens). ``returnTo``: the element that asked from the
     keyboard; focus moves into the popup and goes back there when Escape closes it. */
  QJ.focusFeature = function (id, hit, returnTo) {
    var map = QJ.map;
    var item = QJ.features[id];
    QJ._returnFocus = returnTo || null;
    if ((!item || !item.leaflet) && hit && hit.placed && QJ.layers[hit.layer] && QJ.layers[hit.layer].tiled) {
      return QJ.focusTiledFeature(id, hit);   // a layer drawn from tiles holds no feature objects
    }
    var entry = hit && QJ.layers[hit.layer];
    if (!item && hit && hit.placed && entry && entry.cfg.ok && !entry.loaded) {
      if (!map.hasLayer(entry.group)) map.addLayer(entry.group);   // a hidden layer is fetched when shown
      return QJ.fetchLayer(entry).then(function () { return QJ.focusFeature(id, hit, returnTo); });
    }
    if (!item) return unplacedNote(map, id, hit);
    var group = QJ.layers[item.layer].group;
    if (!map.hasLayer(group)) map.addLayer(group);
    if (item.leaflet.getBounds) {
      map.fitBounds(item.leaflet.getBounds(), {maxZoom: 14, padding: [30, 30]});
    } else {
      map.setView(item.leaflet.getLatLng(), Math.max(map.getZoom(), 14));
    }
    item.leaflet.openPopup();
    return true;
  };
})();
