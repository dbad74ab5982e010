// Kompetensgrafen: progressive enhancement only. Autocomplete on search fields (the form works without it).
(function () {
  "use strict";
  // Where a script of this site may navigate: a path of this site ("/x", not "//x") or an
  // http(s) URL. The server already decides so (safe_url in service/browse/terms.py); this is
  // the second check, on the client. Anything else (javascript:, data:, …) gives null.
  function safeUrl(href) {
    if (typeof href !== "string" || href === "" || /[\u0000-\u0020\u007f-\u009f\\]/.test(href)) return null;
    var url;
    try { url = new URL(href, window.location.href); } catch (e) { return null; }
    if (href.charAt(0) === "/") {
      return href.charAt(1) !== "/" && url.origin === window.location.origin ? url.href : null;
    }
    var web = url.protocol === "http:" || url.protocol === "https:";
    return web && /^https?:\/\//i.test(href) ? url.href : null;
  }
  window.kgSafeUrl = safeUrl;
  function setup(input) {
    var url = input.getAttribute("data-autocomplete");
    var list = document.createElement("ul");
    var id = input.id + "-suggestions";
    list.id = id; list.className = "kg-suggestions"; list.setAttribute("role", "listbox"); list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var items = [], active = -1, timer = null;
    // A suggestion without a safe link is searched for by its label instead.
    function go(item) {
      var target = safeUrl(item.href);
      if (target) { window.location.assign(target); return; }
      input.value = item.label;
      if (input.form) input.form.submit();
    }
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1;
                       input.removeAttribute("aria-activedescendant"); }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) input.setAttribute("aria-activedescendant", id + "-" + active);
    }
    function render(data) {
      list.innerHTML = ""; items = data;
      data.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i; li.setAttribute("role", "option");
        li.textContent = item.label + " ";
        var ty = document.createElement("span"); ty.className = "type"; ty.textContent = "(" + (item.type_label || item.type || "") + ")";
        li.appendChild(ty);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); go(item); });
        list.appendChild(li);
      });
      list.hidden = data.length === 0;
      input.setAttribute("aria-expanded", data.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q) + "&lang=" + document.documentElement.lang)
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (data) { render(data.results || data); })
          .catch(function () { close(); });
      }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); go(items[active]); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(setup);
})();
