// Draws the rows of the timeline's table as bars (plain SVG: the rows' data-* attributes give
// label, days covered, dates as stated and source) and an as-of line that follows the date
// picker; the table stays the page's content and works without this script.
(function () {
  "use strict";
  var holder = document.getElementById("timeline-chart");
  var picker = document.getElementById("asof");
  if (!holder || !picker) return;
  var words = holder.dataset;
  var bars = Array.prototype.map.call(
    document.querySelectorAll("#timeline-table tbody tr[data-from]"), function (tr) {
      var d = tr.dataset;
      return { label: d.label, dates: d.dates, note: d.note || "", kind: d.kind,
               from: d.from || null, to: d.to || null, source: d.source || null,
               href: d.sourceHref || null, more: +(d.more || 0) };
    });
  var NS = "http://www.w3.org/2000/svg";
  var ROW = 50, AXIS = 40, PAD = 8;

  function make(name, attrs, text) {
    var el = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function utc(iso) { return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)); }
  function validDay(iso) { return /^\d{4}-\d{2}-\d{2}$/.test(iso || "") && !isNaN(utc(iso)); }
  // Trim an SVG text to a width (it must be in the document to be measured).
  // A link keeps its visible text as its name: no tooltip child (the table has the full text).
  function fit(el, width, tooltip) {
    var full = el.textContent;
    if (el.getComputedTextLength() <= width) return;
    var n = full.length;
    while (n > 1 && el.getComputedTextLength() > width) { n -= 2; el.textContent = full.slice(0, n) + "…"; }
    if (tooltip !== false) el.appendChild(make("title", {}, full));
  }
  function when(b, long) { return b.dates + (long && b.note ? " (" + b.note + ")" : ""); }
  function sourceLink(b, x, y) {
    if (!b.source) return null;
    var text = words.source + ": " + b.source + (b.more ? " (+" + b.more + " " + words.sources + ")" : "");
    var target = window.kgSafeUrl ? window.kgSafeUrl(b.href) : null;
    var t = make("text", { x: x, y: y, "class": "tl-source" }, text);
    if (!target) return { node: t, text: t };
    var node = make("a", { href: target, "class": "tl-source-link" });
    node.appendChild(t);
    return { node: node, text: t };
  }

  function draw() {
    while (holder.querySelector("svg")) holder.removeChild(holder.querySelector("svg"));
    var asof = validDay(picker.value) ? picker.value : null;
    var years = [];
    bars.forEach(function (b) {
      if (b.from) years.push(+b.from.slice(0, 4));
      if (b.to) years.push(+b.to.slice(0, 4));
    });
    if (asof) years.push(+asof.slice(0, 4));
    // An open end runs on to the right edge: the axis reaches at least the current year.
    if (bars.some(function (b) { return !b.to; })) years.push(new Date().getUTCFullYear());
    var first = Math.min.apply(null, years), last = Math.max.apply(null, years);
    var lo = Date.UTC(first, 0, 1), hi = Date.UTC(last + 1, 0, 1);
    var width = Math.max(640, holder.clientWidth || 900);
    var left = Math.min(380, Math.round(width * 0.38)), right = width - PAD;
    var height = AXIS + bars.length * ROW + PAD;
    function x(ms) { return left + (right - left) * (ms - lo) / (hi - lo); }
    var svg = make("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                            "class": "tl-svg", "aria-labelledby": "tl-svg-title" });
    svg.appendChild(make("title", { id: "tl-svg-title" }, holder.querySelector("figcaption").textContent));
    holder.appendChild(svg);
    var step = Math.max(1, Math.ceil((last + 1 - first) / 12));
    for (var year = first; year <= last + 1; year += step) {
      var gx = x(Date.UTC(year, 0, 1));
      svg.appendChild(make("line", { x1: gx, x2: gx, y1: AXIS - 6, y2: height - PAD, "class": "tl-grid" }));
      if (year <= last) svg.appendChild(make("text", { x: gx + 2, y: AXIS - 12, "class": "tl-year" }, String(year)));
    }
    bars.forEach(function (b, i) {
      var y = AXIS + i * ROW;
      var g = make("g", { "class": "tl-row", "data-index": i });
      svg.appendChild(g);
      var name = make("text", { x: 0, y: y + 16, "class": "tl-label" }, b.label);
      g.appendChild(name);
      fit(name, left - 12);
      // the source on a line of its own under the label and the bar, the whole width
      var link = sourceLink(b, 0, y + 40);
      if (link) { g.appendChild(link.node); fit(link.text, right, false); }
      var x0 = b.from ? x(utc(b.from)) : left;
      var x1 = b.to ? x(utc(b.to) + 86400000) : right;
      var cls = "tl-bar" + (b.to ? "" : " tl-open") + (b.from ? "" : " tl-open-start") +
        (b.kind === "inherited" ? " tl-inherited" : "") + (b.kind === "self" ? " tl-self" : "");
      var rect = make("rect", { x: x0, y: y + 3, width: Math.max(3, x1 - x0), height: 18, rx: 3, "class": cls });
      rect.appendChild(make("title", {}, b.label + ": " + when(b, true)));
      g.appendChild(rect);
      if (!b.to) {  // an arrow at the right edge: the period has no stated end
        g.appendChild(make("polygon", { points: (right - 8) + "," + (y + 1) + " " + right + "," + (y + 12) +
                                               " " + (right - 8) + "," + (y + 23), "class": "tl-arrow" }));
      }
      var dates = make("text", { y: y + 16, "class": "tl-dates" }, when(b));
      g.appendChild(dates);
      var room = x1 - x0 - 12;
      if (dates.getComputedTextLength() <= room) {
        dates.setAttribute("x", x0 + 5); dates.setAttribute("class", "tl-dates tl-dates-in");
      } else if (right - x1 > 60) {
        dates.setAttribute("x", x1 + 4); fit(dates, right - x1 - 6);
      } else {
        dates.setAttribute("x", x0 - 4); dates.setAttribute("text-anchor", "end"); fit(dates, x0 - left - 6);
      }
    });
    if (asof) {
      var ax = x(utc(asof));
      svg.appendChild(make("line", { id: "tl-asof-line", x1: ax, x2: ax, y1: AXIS - 8, y2: height - PAD,
                                     "class": "tl-asof", "data-date": asof }));
      var tag = make("text", { x: ax, y: 12, "class": "tl-asof-label", "text-anchor": ax > width - 160 ? "end" : "start" },
                     words.asof + " " + asof);
      svg.appendChild(tag);
    }
    mark(asof);
  }

  // The table follows the picker too: which relations held on the chosen day.
  function mark(asof) {
    document.querySelectorAll("#timeline-table .asof-value").forEach(function (el) { el.textContent = asof || ""; });
    document.querySelectorAll("#timeline-table tbody tr[data-from]").forEach(function (tr) {
      var from = tr.getAttribute("data-from"), to = tr.getAttribute("data-to");
      var holds = asof ? (!from || from <= asof) && (!to || asof <= to) : null;
      tr.classList.toggle("holds", holds === true);
      tr.classList.toggle("not-holds", holds === false);
      var cell = tr.querySelector(".holds-cell");
      if (cell) cell.textContent = holds === null ? "" : (holds ? words.yes : words.no);
    });
  }

  function follow() {
    draw();
    var url = new URL(window.location.href);
    if (validDay(picker.value)) url.searchParams.set("asof", picker.value); else url.searchParams.delete("asof");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  if (!bars.length) return;  // nothing to draw: the table says so
  holder.hidden = false;
  draw();
  picker.addEventListener("input", follow);
  picker.addEventListener("change", follow);
  window.addEventListener("resize", draw);
})();
