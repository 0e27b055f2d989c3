/* Corridor comparison: asks the compare API for the chosen corridors, buffer and proposed line (drawn or
 * uploaded), keeps the controls and the URL in step, and downloads the exports. */
(function () {
  "use strict";

  var QJC = window.QJCorridors;
  var el = QJUtil.el, T = QJC.text;

  function requestBody(bufferM, proposal) {
    var body = {ids: QJC.config.ids, buffer_m: bufferM};
    if (proposal) body.proposed = proposal;
    return JSON.stringify(body);
  }

  function errorText(resp) {
    return resp.json().then(function (body) {
      return (body && body.message) || ("HTTP " + resp.status);
    }, function () { return "HTTP " + resp.status; });
  }

  /* ``resp`` read as ``kind`` ("json", "blob"), or an Error with the server's message. */
  function answer(resp, kind) {
    if (!resp.ok) return errorText(resp).then(function (msg) { throw new Error(msg); });
    return resp[kind]();
  }

  function bufferProblem(bufferM) {
    var value = Number(bufferM);
    if (bufferM === "" || !isFinite(value) || value < QJC.config.buffer_min_m || value > QJC.config.buffer_max_m) {
      return T.fmt("buffer_range", {min: QJC.config.buffer_min_m, max: QJC.config.buffer_max_m});
    }
    return null;
  }

  /* Ask for a comparison with this buffer and proposal; only a successful answer changes the page. */
  function refresh(bufferM, proposal) {
    var seq = ++QJC.seq;
    var problem = bufferProblem(bufferM);
    if (problem) {  // the server would say the same; checked here to spare a request
      QJC.showMessage(problem);
      syncControls();
      QJC.setState("error");
      return Promise.resolve();
    }
    QJC.setState("busy");
    return fetch(QJC.config.compare_url, {method: "POST", headers: {"Content-Type": "application/json"},
                                           body: requestBody(bufferM, proposal)})
      .then(function (resp) { return answer(resp, "json"); })
      .then(function (result) {
        if (seq !== QJC.seq) return;
        QJC.bufferM = result.buffer_m;
        QJC.proposal = proposal || null;
        QJC.showMessage("");
        QJC.render(result);
        syncControls();
        QJC.setState("ready");
      })
      .catch(function (err) {
        if (seq !== QJC.seq) return;
        QJC.showMessage(err.message);
        syncControls();
        QJC.setState("error");
      });
  }

  function syncUrl(params, value) {
    params.set("ids", QJC.config.ids.join(","));
    params.set("buffer_m", value);
    var link = QJC.proposal && QJC.result && QJC.result.proposed_url;
    if (link && link.proposed) {
      params.set("proposed", link.proposed);
      params.set("proposed_name", link.proposed_name);
    } else {
      params.delete("proposed");
      params.delete("proposed_name");
    }
    if (link && !link.proposed) QJC.showMessage(T.fmt("link_too_long", {max: link.max_chars}));
    history.replaceState(null, "", location.pathname + "?" + params.toString());
  }

  function syncControls() {
    var value = String(Math.round(QJC.bufferM));
    document.getElementById("qj-buffer-m").value = value;
    document.getElementById("qj-buffer-range").value = value;
    document.getElementById("qj-buffer-out").textContent = value;
    document.getElementById("qj-clear-proposed").disabled = !QJC.proposal;
    var params = new URLSearchParams(location.search);
    syncUrl(params, value);
    var pdf = document.getElementById("qj-export-pdf");
    if (pdf) {
      params.set("lang", QJC.config.lang);
      params.delete("base");
      pdf.href = QJC.config.pdf_url + "?" + params.toString();
    }
  }

  function uploadFile(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    input.value = "";
    if (file.size > QJC.config.max_upload_bytes) {
      QJC.showMessage(T.fmt("too_large", {size: QJC.num(file.size / 1048576, 1)}));
      return;
    }
    var form = new FormData();
    form.append("file", file, file.name);
    QJC.setState("busy");
    fetch(QJC.config.upload_url, {method: "POST", body: form})
      .then(function (resp) { return answer(resp, "json"); })
      .then(function (feature) { return refresh(QJC.bufferM, feature); })
      .catch(function (err) { QJC.showMessage(err.message); QJC.setState("error"); });
  }

  function download(url, filename) {
    fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: requestBody(QJC.bufferM, QJC.proposal)})
      .then(function (resp) { return answer(resp, "blob"); })
      .then(function (blob) {
        var link = el("a");
        link.href = URL.createObjectURL(blob);
        link.download = filename;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      })
      .catch(function (err) { QJC.showMessage(err.message); });
  }

  function wireBuffer() {
    var number = document.getElementById("qj-buffer-m");
    var range = document.getElementById("qj-buffer-range");
    range.addEventListener("input", function () { document.getElementById("qj-buffer-out").textContent = range.value; });
    range.addEventListener("change", function () { refresh(Number(range.value), QJC.proposal); });
    number.addEventListener("change", function () { refresh(number.value, QJC.proposal); });
    document.getElementById("qj-buffer-form").addEventListener("submit", function (e) {
      e.preventDefault();
      refresh(number.value, QJC.proposal);
    });
  }

  function wireControls() {
    wireBuffer();
    document.getElementById("qj-upload").addEventListener("change", function (e) { uploadFile(e.target); });
    document.getElementById("qj-clear-proposed").addEventListener("click", function () { refresh(QJC.bufferM, null); });
    document.getElementById("qj-export-csv").addEventListener("click", function () { download(QJC.config.csv_url, "corridor-comparison.csv"); });
    document.getElementById("qj-export-geojson").addEventListener("click", function () { download(QJC.config.geojson_url, "corridor-catchments.geojson"); });
    var panel = QJC.proposalPanel;
    if (panel) {
      panel.map.on("draw:created", function (e) {
        if (panel.drawn) panel.drawn.clearLayers();  // the validated line is drawn from the API answer instead
        refresh(QJC.bufferM, e.layer.toGeoJSON());
      });
    }
  }

  function loadContext() {
    var urls = QJC.config.layer_urls;
    return Promise.all(Object.keys(urls).map(function (id) {
      return fetch(urls[id]).then(function (resp) { return resp.ok ? resp.json() : null; })
        .then(function (fc) { QJC.context[id] = fc; }, function () { QJC.context[id] = null; });
    }));
  }

  QJC.init = function (config) {
    QJC.config = config;
    QJC.bufferM = config.buffer_m;
    QJC.labelPanels();
    wireControls();
    loadContext().then(function () {
      QJC.drawDistrict();
      return refresh(QJC.bufferM, config.proposal || null);   // a shared link may carry a proposed line
    });
  };
})();
