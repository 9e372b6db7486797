// Type-ahead for the search page: asks /api/search as the user types, lists the
// hits as links (text set with textContent), and keeps the URL (?q=&type=) in step
// so the back button returns to the same list.
(function () {
  "use strict";
  var input = document.getElementById("kg-q");
  var type = document.getElementById("kg-type");
  var list = document.getElementById("kg-hits");
  var nohits = document.getElementById("kg-nohits");
  if (!input || !list) { return; }
  var seq = 0;
  var timer = null;

  function entityUrl(id) { return "/entity/" + encodeURIComponent(id); }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function render(q, hits) {
    list.replaceChildren();
    active = -1;
    hits.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entityUrl(h.id);
      a.textContent = h.label;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      var t = span("kg-type", h.type);
      t.dataset.type = h.type;
      li.appendChild(t);
      if (h.matched !== h.label) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(span("kg-muted", "(" + h.matched + ")"));
      }
      li.appendChild(document.createTextNode(" "));
      li.appendChild(span("kg-muted", h.mentions + " mentions · " + h.id));
      list.appendChild(li);
    });
    if (nohits) { nohits.hidden = !(q && hits.length === 0); }
    document.body.dataset.searched = q;
  }

  function update() {
    var q = input.value.trim();
    var params = new URLSearchParams();
    if (q) { params.set("q", q); }
    if (type && type.value) { params.set("type", type.value); }
    var qs = params.toString();
    history.replaceState(null, "", qs ? "/?" + qs : "/");
    var mine = ++seq;
    if (!q) { render("", []); return; }
    params.set("limit", "20");
    fetch("/api/search?" + params.toString(), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (mine === seq) { render(q, data.hits || []); } })
      .catch(function () { /* keep the last list */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  }
  input.addEventListener("input", later);
  if (type) { type.addEventListener("change", update); }
  // Arrow keys move through the hits; Enter opens the highlighted (or the first)
  // hit when the list shows the typed text, else the form submits.
  var active = -1;
  function highlight(i) {
    var items = list.querySelectorAll("li");
    if (!items.length) { active = -1; return; }
    active = (i + items.length) % items.length;
    items.forEach(function (li, j) {
      li.classList.toggle("kg-active", j === active);
      if (j === active) { li.setAttribute("aria-selected", "true"); } else { li.removeAttribute("aria-selected"); }
    });
    items[active].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      highlight(active + (ev.key === "ArrowDown" ? 1 : -1));
      return;
    }
    if (ev.key !== "Enter" || document.body.dataset.searched !== input.value.trim()) { return; }
    var links = list.querySelectorAll("li a");
    var target = links[active >= 0 && active < links.length ? active : 0];
    if (target) {
      ev.preventDefault();
      window.location.href = target.getAttribute("href");
    }
  });
  // A page restored by the back button may hold a typed value the list does not show.
  window.addEventListener("pageshow", function () {
    if (input.value.trim() && input.value.trim() !== (document.body.dataset.searched || "")) { update(); }
  });
  document.body.dataset.searched = input.value.trim() && list.children.length ? input.value.trim() : "";
})();
