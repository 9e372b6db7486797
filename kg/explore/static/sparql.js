// SPARQL page: CodeMirror editor on the textarea; the form is a plain GET to
// /sparql?query=… (so every run has its own URL and the back button works); when
// the page opens with a query in its URL, it POSTs it to /query and shows the
// answer as a table sortable by clicking a column, with a CSV download.
(function () {
  "use strict";
  var form = document.getElementById("kg-sparql-form");
  var ta = document.getElementById("kg-query");
  var box = document.getElementById("kg-results-box");
  var status = document.getElementById("kg-status");
  var errBox = document.getElementById("kg-error");
  var csvLink = document.getElementById("kg-csv");
  window.kgSparql = { done: false, rows: null, error: null };

  function submit() {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }
  if (window.CodeMirror) {
    var cm = window.CodeMirror.fromTextArea(ta, {
      mode: "sparql", lineNumbers: true, matchBrackets: true, indentUnit: 2,
      extraKeys: { "Ctrl-Enter": submit, "Cmd-Enter": submit }
    });
    window.kgEditor = cm;
  } else {
    ta.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); submit(); }
    });
  }

  var base = box.dataset.base || "";

  // An IRI of this build's entities or documents links to its explorer page.
  function pageOf(b) {
    if (!b || b.type !== "uri" || !base || b.value.indexOf(base) !== 0) { return null; }
    var rest = b.value.slice(base.length);
    var m = /^(entity|doc)\/([^\/?#]+)$/.exec(rest);
    return m ? "/" + m[1] + "/" + m[2] : null;
  }

  function cellText(b) {
    if (!b) { return ""; }
    if (b.type === "triple") { return "<< " + cellText(b.value.subject) + " " + cellText(b.value.predicate) + " " + cellText(b.value.object) + " >>"; }
    return String(b.value);
  }

  function csvField(s) {
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(vars, rows) {
    var lines = [vars.map(csvField).join(",")];
    rows.forEach(function (r) { lines.push(r.map(function (c) { return csvField(c.text); }).join(",")); });
    return lines.join("\r\n") + "\r\n";
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (a !== "" && b !== "" && isFinite(a) && isFinite(b)) { return x - y; }
    return a.localeCompare(b);
  }

  function table(vars, rows) {
    var t = document.createElement("table");
    t.className = "kg-table";
    t.id = "kg-result-table";
    var thead = t.createTHead().insertRow();
    var tbody = t.createTBody();
    function fill() {
      tbody.replaceChildren();
      rows.forEach(function (r) {
        var tr = tbody.insertRow();
        r.forEach(function (c) {
          var td = tr.insertCell();
          if (c.href) {
            var a = document.createElement("a");
            a.href = c.href;
            a.textContent = c.text;
            td.appendChild(a);
          } else {
            td.textContent = c.text;
          }
        });
      });
    }
    vars.forEach(function (v, i) {
      var th = document.createElement("th");
      th.textContent = v;
      th.setAttribute("aria-sort", "none");
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(thead.cells, function (c) { c.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort(function (a, b) { return asc ? compare(a[i].text, b[i].text) : compare(b[i].text, a[i].text); });
        fill();
      });
      thead.appendChild(th);
    });
    fill();
    return t;
  }

  function show(text, started) {
    var data = JSON.parse(text);
    var vars, rows;
    if (typeof data.boolean === "boolean") {
      vars = ["ask"];
      rows = [[{ text: String(data.boolean), href: null }]];
    } else {
      vars = data.head.vars || [];
      rows = data.results.bindings.map(function (b) {
        return vars.map(function (v) { return { text: cellText(b[v]), href: pageOf(b[v]) }; });
      });
    }
    box.replaceChildren(table(vars, rows));
    var ms = Math.round(performance.now() - started);
    status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s") + " in " + ms + " ms";
    if (csvLink.href && csvLink.href.indexOf("blob:") === 0) { URL.revokeObjectURL(csvLink.href); }
    csvLink.href = URL.createObjectURL(new Blob([toCsv(vars, rows)], { type: "text/csv" }));
    csvLink.hidden = false;
    window.kgSparql = { done: true, rows: rows.length, error: null };
  }

  function fail(message) {
    errBox.textContent = message;
    errBox.hidden = false;
    status.textContent = "";
    window.kgSparql = { done: true, rows: null, error: message };
  }

  function run(query) {
    var started = performance.now();
    status.textContent = "running…";
    errBox.hidden = true;
    fetch("/query", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { fail("HTTP " + r.status + ": " + t); return; }
        try { show(t, started); } catch (e) { fail("cannot read the answer: " + e); }
      });
    }).catch(function (e) { fail("request failed: " + e); });
  }

  if (box.dataset.run) { run(ta.value); }
})();
