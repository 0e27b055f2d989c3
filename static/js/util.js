/* Qijiang Atlas: the helpers every page script shares. DOM nodes are built from text (never HTML); texts
 * come translated from the server; values read in the page language, and a missing value reads 未知/unknown. */
(function () {
  "use strict";

  /* A new element with an optional class and text (inserted as textContent, never parsed as HTML). */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* Give a control (e.g. one of Leaflet's English-titled buttons) a title and accessible name. */
  function name(node, label) {
    if (!node) return;
    node.title = label;
    node.setAttribute("aria-label", label);
  }

  /* A Leaflet control at ``position``: a box of class ``cls`` that keeps clicks and wheel turns from the map,
     filled by ``fill(box)`` when the control is added. */
  function panel(position, cls, fill) {
    var Panel = L.Control.extend({
      options: {position: position},
      onAdd: function () {
        var box = el("div", cls);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        fill(box);
        return box;
      },
    });
    return new Panel();
  }

  var loading = {};

  /* Load one of the app's scripts once (a plugin on first use); the promise resolves when it has run. */
  function loadScript(url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.onload = function () { resolve(); };
        tag.onerror = function () { delete loading[url]; reject(new Error("cannot load " + url)); };
        document.head.appendChild(tag);
      });
    }
    return loading[url];
  }

  function isMissing(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  }

  /* A page's text helpers. ``source()`` returns {strings, lang, vocab} and is read at every call, so a page
     may bind the helpers before its configuration arrives. */
  function texts(source) {
    function page() { return source() || {}; }
    function isEnglish() { return page().lang === "en"; }
    function locale() { return isEnglish() ? "en" : "zh-CN"; }

    /* The translated UI string for ``key`` (the key itself if the server sent none). */
    function t(key) {
      var strings = page().strings;
      return (strings && strings[key]) || key;
    }

    /* A translated string with {name} placeholders filled from ``values``. */
    function fmt(key, values) {
      return t(key).replace(/\{(\w+)\}/g, function (all, name) { return values[name] !== undefined ? values[name] : all; });
    }

    /* A field of ``obj`` in the page language (``field``_zh / _en), falling back to the other language. */
    function tr(obj, field) {
      if (!obj) return "";
      var zh = obj[field + "_zh"], en = obj[field + "_en"];
      return isEnglish() ? (en || zh || "") : (zh || en || "");
    }

    /* A number in the page's locale with at most ``digits`` decimals (at least ``minDigits``); unknown if missing. */
    function number(value, digits, minDigits) {
      if (isMissing(value)) return t("unknown");
      return Number(value).toLocaleString(locale(), {maximumFractionDigits: digits,
                                                     minimumFractionDigits: minDigits === undefined ? 0 : minDigits});
    }

    /* A vocabulary key (status, accuracy, kind, family) in words; unknown if missing. */
    function vocabLabel(vocab, key) {
      if (isMissing(key)) return t("unknown");
      var all = page().vocab;
      var pair = (all && all[vocab] && all[vocab][key]) || null;
      return pair ? pair[isEnglish() ? 1 : 0] : String(key);
    }

    /* A feature's value for a declared field ({name, type, unit_zh, unit_en}) in words, with its unit. */
    function value(field, v) {
      if (isMissing(v)) return t("unknown");
      if (["status", "accuracy", "kind", "family"].indexOf(field.name) >= 0) return vocabLabel(field.name, v);
      if (field.type === "bool") return v ? t("yes") : t("no");
      if (field.type === "list") return v.join(isEnglish() ? ", " : "、");
      if (field.type === "number" || field.type === "int") {
        var unit = isEnglish() ? field.unit_en : field.unit_zh;
        return unit ? number(v, 2) + " " + unit : number(v, 2);
      }
      return String(v);
    }

    return {t: t, fmt: fmt, tr: tr, isEnglish: isEnglish, locale: locale, number: number, vocabLabel: vocabLabel,
            value: value};
  }

  window.QJUtil = {el: el, name: name, panel: panel, loadScript: loadScript, isMissing: isMissing, texts: texts};
})();
