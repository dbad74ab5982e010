// Draws the ego network with Cytoscape.js and its fcose layout (served locally); the table and
// the form work without it. Each pair of nodes gets one line, however many relations tie them
// (its count on it; a click lists them). Labels are placed so that none overlaps another, and the
// view starts at a zoom where they are readable: the drawing grows taller rather than smaller.
(function () {
  "use strict";
  var holder = document.getElementById("cy");
  var source = document.getElementById("network-data");
  if (!holder || !source || typeof cytoscape === "undefined") return;
  var data = JSON.parse(source.textContent);
  var FONT = 12;          // label size in the drawing's units …
  var MIN_ZOOM = 0.95;    // … and the least zoom the first view may have (11.4 px on screen)
  var GAP = 6;            // free space around every node with its label
  var styles = {};
  data.styles.forEach(function (s) { styles[s.key] = s; });

  // Labels of at most three lines of ~26 characters; the full label shows on hover and in the
  // table. Where shortened labels would read alike ("Överenskommelse mellan Västra
  // Götalandsregionen…" four times), the words they share give way to the words that differ.
  var WIDTH = 26, LINES = 3;
  function wrap(words, lines) {
    var out = [""], cut = false;
    for (var i = 0; i < words.length; i++) {
      var line = out[out.length - 1], next = line ? line + " " + words[i] : words[i];
      if (next.length <= WIDTH || !line) { out[out.length - 1] = next; continue; }
      if (out.length === lines) { cut = true; break; }
      out.push(words[i]);
    }
    out = out.map(function (l) { if (l.length > WIDTH + 2) { cut = true; return l.slice(0, WIDTH); } return l; });
    return out.join("\n") + (cut ? "…" : "");
  }
  function words(text) { return String(text).split(/\s+/).filter(Boolean); }
  function shortLabels(nodes) {
    var short = {}, alike = {};
    nodes.forEach(function (n) {
      short[n.id] = wrap(words(n.label), LINES);
      (alike[short[n.id]] = alike[short[n.id]] || []).push(n);
    });
    Object.keys(alike).forEach(function (label) {
      var group = alike[label];
      if (group.length < 2) return;
      var lists = group.map(function (n) { return words(n.label); });
      var common = 0;
      while (lists.every(function (l) { return common < l.length - 1 && l[common] === lists[0][common]; })) common++;
      if (!common) return;
      group.forEach(function (n, k) {
        var head = wrap(lists[k].slice(0, common), 1).split("…")[0];
        short[n.id] = head + (common > words(head).length ? " …" : "") + "\n" +
          wrap(lists[k].slice(common), LINES - 1);
      });
    });
    return short;
  }
  var labels = shortLabels(data.nodes);

  var elements = [];
  data.nodes.forEach(function (n) {
    var s = styles[n.style] || {};
    elements.push({ data: { id: n.id, label: labels[n.id], full: n.label, network: n.network,
                            colour: s.colour || "#6b6b6b", shape: s.points ? "polygon" : "ellipse",
                            points: s.points ? s.points.join(" ") : "0 0",
                            ego: n.distance === 0 ? 1 : 0, distance: n.distance } });
  });
  // One line per pair of nodes; the relations it stands for, in the data's order.
  var pairs = {}, pairList = [];
  data.edges.forEach(function (e, i) {
    var key = e.source < e.target ? e.source + "\u0000" + e.target : e.target + "\u0000" + e.source;
    var pair = pairs[key];
    if (!pair) {
      pair = pairs[key] = { id: "p" + pairList.length, source: e.source, target: e.target, members: [] };
      pairList.push(pair);
    }
    pair.members.push(i);
  });
  pairList.forEach(function (p) {
    elements.push({ data: { id: p.id, source: p.source, target: p.target, count: 0, label: "",
                            fwd: 0, back: 0, width: 1.5 } });
  });

  var cy = cytoscape({
    container: holder,
    elements: elements,
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", "shape": "data(shape)",
        "shape-polygon-points": "data(points)", "width": 18, "height": 18,
        "label": "data(label)", "font-size": FONT, "color": "#1b1b1b", "text-wrap": "wrap",
        "text-max-width": 200, "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
        "text-background-color": "#fbfcfd", "text-background-opacity": 1,
        "text-background-padding": 1, "min-zoomed-font-size": 0 } },
      { selector: "node[ego = 1]", style: { "width": 30, "height": 30, "border-width": 3,
        "border-color": "#1b1b1b", "font-weight": "bold" } },
      { selector: "edge", style: { "width": "data(width)", "line-color": "#9aa5b1",
        "curve-style": "straight", "font-size": 10, "color": "#333", "label": "data(label)",
        "text-background-color": "#ffffff", "text-background-opacity": 1,
        "text-background-padding": 1, "arrow-scale": 0.8,
        "target-arrow-color": "#9aa5b1", "source-arrow-color": "#9aa5b1" } },
      { selector: "edge[fwd > 0]", style: { "target-arrow-shape": "triangle" } },
      { selector: "edge[back > 0]", style: { "source-arrow-shape": "triangle" } },
      { selector: "edge.hover, edge:selected", style: { "line-color": "#b3261e",
        "target-arrow-color": "#b3261e", "source-arrow-color": "#b3261e", "z-index": 9 } },
      { selector: "node.hover", style: { "label": "data(full)", "text-max-width": 320, "z-index": 10 } }
    ]
  });

  var form = document.getElementById("network-form");
  var boxes = form ? Array.prototype.slice.call(form.querySelectorAll("input[name=relation]")) : [];
  var loaded = {};
  data.relations.forEach(function (r) { loaded[r.id] = r.checked; });

  // What the checked relations leave: the lines (with their counts) and the nodes the actor
  // still reaches within the depth, as the server would filter them.
  function apply() {
    var on = {};
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    var allowed = data.edges.map(function (e) { return on[e.relation] !== false; });
    var reach = {}, frontier = [data.ego.iri];
    reach[data.ego.iri] = true;
    var around = {};
    data.edges.forEach(function (e, i) {
      if (!allowed[i]) return;
      (around[e.source] = around[e.source] || []).push(e.target);
      (around[e.target] = around[e.target] || []).push(e.source);
    });
    for (var step = 0; step < data.depth; step++) {
      var next = [];
      frontier.forEach(function (n) {
        (around[n] || []).forEach(function (m) { if (!reach[m]) { reach[m] = true; next.push(m); } });
      });
      frontier = next;
    }
    var shown = data.edges.map(function (e, i) { return allowed[i] && reach[e.source] && reach[e.target]; });
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.style("display", reach[n.id()] ? "element" : "none"); });
      pairList.forEach(function (p) {
        var fwd = 0, back = 0;
        p.members.forEach(function (i) {
          if (!shown[i]) return;
          if (data.edges[i].source === p.source) fwd++; else back++;
        });
        var count = fwd + back, edge = cy.getElementById(p.id);
        edge.data({ count: count, fwd: fwd, back: back, label: count > 1 ? String(count) : "",
                    width: 1.5 + Math.log(Math.max(count, 1)) / Math.LN2 });
        edge.style("display", count ? "element" : "none");
      });
    });
    var rows = document.querySelectorAll("#edges tbody tr[data-edge]");
    var byId = {};
    data.edges.forEach(function (e, i) { byId[e.id] = shown[i]; });
    var count = 0;
    Array.prototype.forEach.call(rows, function (row) {
      row.hidden = !byId[row.getAttribute("data-edge")];
      if (!row.hidden) count++;
    });
    var nodeCount = document.getElementById("net-node-count");
    var edgeCount = document.getElementById("net-edge-count");
    if (nodeCount) nodeCount.textContent = String(Object.keys(reach).length);
    if (edgeCount) edgeCount.textContent = String(count);
  }

  // Moves nodes apart until no node with its label overlaps another. A node's box (with its
  // label) keeps its size as it moves, so the work is done on plain numbers and the nodes are
  // moved once at the end.
  function separate() {
    var nodes = cy.nodes(":visible");
    var items = nodes.map(function (n) {
      var p = n.position(), b = n.boundingBox({ includeLabels: true, includeOverlays: false });
      return { x: p.x, y: p.y, left: p.x - b.x1 + GAP / 2, right: b.x2 - p.x + GAP / 2,
               top: p.y - b.y1 + GAP / 2, bottom: b.y2 - p.y + GAP / 2 };
    });
    for (var pass = 0; pass < 2000; pass++) {
      var moved = false;
      for (var i = 0; i < items.length; i++) {
        var a = items[i];
        for (var j = i + 1; j < items.length; j++) {
          var b = items[j];
          var dx = Math.min(a.x + a.right, b.x + b.right) - Math.max(a.x - a.left, b.x - b.left);
          var dy = Math.min(a.y + a.bottom, b.y + b.bottom) - Math.max(a.y - a.top, b.y - b.top);
          if (dx <= 0 || dy <= 0) continue;
          moved = true;
          var ca = a.x + (a.right - a.left) / 2, cb = b.x + (b.right - b.left) / 2;
          var ma = a.y + (a.bottom - a.top) / 2, mb = b.y + (b.bottom - b.top) / 2;
          if (dx < dy) {
            var sx = (ca <= cb ? -1 : 1) * (dx / 2 + 0.5);
            a.x += sx; b.x -= sx;
          } else {
            var sy = (ma <= mb ? -1 : 1) * (dy / 2 + 0.5);
            a.y += sy; b.y -= sy;
          }
        }
      }
      if (!moved) break;
    }
    cy.batch(function () {
      nodes.forEach(function (n, k) { n.position({ x: items[k].x, y: items[k].y }); });
    });
  }

  // fcose starts from random positions: a fixed seed draws the same network the same way.
  function seeded(seed) {
    return function () {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      return seed / 4294967296;
    };
  }

  function layout() {
    var random = Math.random;
    Math.random = seeded(data.nodes.length * 7919 + data.edges.length);
    try {
      cy.elements(":visible").layout({
        name: typeof cytoscapeFcose !== "undefined" ? "fcose" : "cose",
        quality: "default", randomize: true, animate: false, fit: false,
        nodeDimensionsIncludeLabels: true, packComponents: true,
        idealEdgeLength: function (edge) { return edge.source().data("ego") || edge.target().data("ego") ? 110 : 70; },
        nodeRepulsion: function () { return 9000; },
        nodeSeparation: 60, numIter: 2500, gravity: 0.3, gravityRange: 3.8
      }).run();
    } finally {
      Math.random = random;
    }
    separate();
  }

  // The first view: everything, at a zoom where the labels are readable; if that does not fit
  // in the frame's width the drawing is made narrower and taller, and the frame grows with it.
  function frame() {
    var width = holder.clientWidth || 800;
    var box = cy.elements(":visible").boundingBox({ includeLabels: true, includeOverlays: false });
    for (var round = 0; round < 4 && box.w * MIN_ZOOM > width - 30; round++) {
      var factor = (width - 30) / MIN_ZOOM / box.w;
      cy.nodes(":visible").forEach(function (n) {
        var p = n.position();
        n.position({ x: box.x1 + (p.x - box.x1) * factor, y: box.y1 + (p.y - box.y1) / factor });
      });
      separate();
      box = cy.elements(":visible").boundingBox({ includeLabels: true, includeOverlays: false });
    }
    var fitted = Math.min((width - 30) / box.w, (holder.clientHeight - 30) / box.h);
    if (fitted < MIN_ZOOM) {
      holder.style.height = Math.ceil(box.h * MIN_ZOOM + 40) + "px";
      cy.resize();
    }
    cy.fit(cy.elements(":visible"), 15);
    if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(cy.elements(":visible")); }
  }

  apply();
  // the fcose plug-in registers itself when it finds the global cytoscape
  layout();
  frame();

  cy.on("mouseover", "node, edge", function (ev) {
    ev.target.addClass("hover");
    if (ev.target.isNode()) ev.target.connectedEdges().addClass("hover");
  });
  cy.on("mouseout", "node, edge", function (ev) {
    ev.target.removeClass("hover");
    if (ev.target.isNode()) ev.target.connectedEdges().removeClass("hover");
  });
  cy.on("tap", "node", function (ev) {
    var target = window.kgSafeUrl ? window.kgSafeUrl(ev.target.data("network")) : null;
    if (target) window.location.assign(target + window.location.search);
  });

  // The relations of a line, listed beside the drawing: label, period, sources.
  var panel = document.getElementById("net-relations");
  function link(href, text) {
    var safe = window.kgSafeUrl ? window.kgSafeUrl(href) : null;
    var el = document.createElement(safe ? "a" : "span");
    if (safe) el.href = href;
    el.textContent = text;
    return el;
  }
  function show(pair) {
    if (!panel) return;
    var a = cy.getElementById(pair.source).data("full"), b = cy.getElementById(pair.target).data("full");
    var heading = panel.querySelector("h2"), list = panel.querySelector("ul");
    heading.textContent = panel.getAttribute("data-title") + " " + a + " " +
      panel.getAttribute("data-and") + " " + b;
    list.textContent = "";
    var on = {};
    boxes.forEach(function (box) { on[box.value] = box.checked; });
    pair.members.forEach(function (i) {
      var e = data.edges[i];
      if (on[e.relation] === false) return;
      var li = document.createElement("li");
      li.appendChild(link(e.source_network, e.source_label));
      var rel = document.createElement("strong");
      rel.textContent = " " + e.relation_label + (e.role_label ? " (" + e.role_label + ")" : "") + " ";
      li.appendChild(rel);
      li.appendChild(link(e.target_network, e.target_label));
      var period = document.createElement("span");
      period.className = "muted";
      period.textContent = " · " + (e.start || e.end ? (e.start || "…") + "–" + (e.end || "…")
                                                    : panel.getAttribute("data-no-period"));
      li.appendChild(period);
      if (e.inferred) {
        var mark = document.createElement("span");
        mark.className = "badge inferred";
        mark.textContent = panel.getAttribute("data-inferred");
        li.appendChild(document.createTextNode(" "));
        li.appendChild(mark);
      }
      (e.sources || []).forEach(function (s) {
        var doc = s.document || s.graph;
        if (!doc) return;
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(link(doc.href, doc.label));
        if (s.locator) li.appendChild(document.createTextNode(", " + s.locator));
      });
      list.appendChild(li);
    });
    panel.hidden = false;
    heading.focus({ preventScroll: true });
  }
  cy.on("tap", "edge", function (ev) {
    var pair = pairList[Number(ev.target.id().slice(1))];
    if (pair) show(pair);
  });
  if (panel) {
    panel.querySelector("button").addEventListener("click", function () {
      panel.hidden = true;
      cy.edges().unselect();
    });
  }

  // The relation boxes filter the drawing and the table at once; the address keeps the choice.
  // A box that was off when the page was drawn needs data the page does not have: reload.
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked && loaded[box.value] === false) { form.submit(); return; }
      apply();
      if (window.history && window.URLSearchParams && window.FormData) {
        var query = new URLSearchParams(new FormData(form)).toString();
        window.history.replaceState(null, "", window.location.pathname + "?" + query);
      }
    });
  });
  window.kgNetwork = cy;
})();
