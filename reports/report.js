/* smartspec report: hover, filter by cluster, switch strategy and y axis (no network, no
   library). Each classification's section is a <section class="space" data-sid="...">; its
   charts are SVGs whose marks carry data-tip (hover text), data-c (cluster index) and data-a
   (activity code); its opportunity table is rendered from <script type="application/json"
   class="oppdata">. */
(function () {
  "use strict";
  var tip = document.createElement("div");
  tip.className = "tip";
  tip.setAttribute("role", "tooltip");
  document.body.appendChild(tip);

  function place(ev) {
    var pad = 14, w = tip.offsetWidth, h = tip.offsetHeight;
    var x = ev.clientX + pad, y = ev.clientY + pad;
    if (x + w > window.innerWidth - 4) { x = ev.clientX - w - pad; }
    if (y + h > window.innerHeight - 4) { y = ev.clientY - h - pad; }
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-tip]") : null;
    if (!el) { tip.style.display = "none"; return; }
    tip.textContent = el.getAttribute("data-tip");
    tip.style.display = "block";
    place(ev);
  });
  document.addEventListener("mousemove", function (ev) {
    if (tip.style.display === "block") { place(ev); }
  });

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/[<]/g, "&lt;").replace(/>/g, "&gt;")
      .replace(/'/g, "&#39;");
  }

  function Section(el) {
    this.el = el;
    this.sid = el.getAttribute("data-sid");
    var node = el.querySelector("script.oppdata");
    this.data = node ? JSON.parse(node.textContent) : null;
    this.chosen = {};  // cluster index -> true; empty: every cluster
    this.strategy = this.data ? this.data["default"] : null;
    this.yaxis = "pci";
  }

  Section.prototype.shown = function (c) {
    return Object.keys(this.chosen).length === 0 || this.chosen[c] === true;
  };

  Section.prototype.applyClusters = function () {
    var self = this;
    this.el.querySelectorAll(".mk[data-c]").forEach(function (m) {
      m.classList.toggle("off", !self.shown(m.getAttribute("data-c")));
    });
    this.el.querySelectorAll(".clusterbar button.cl").forEach(function (b) {
      var on = self.chosen[b.getAttribute("data-c")] === true;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };

  Section.prototype.top = function () {
    /* The activities of the table: the strategy's order, the chosen clusters, the first N. */
    var d = this.data, self = this, out = [];
    var order = d.order[this.strategy];
    for (var i = 0; i < order.length && out.length < d.top; i++) {
      var row = d.rows[order[i]];
      if (self.shown(String(row.c))) { out.push(order[i]); }
    }
    return out;
  };

  Section.prototype.renderTable = function () {
    var d = this.data;
    if (!d) { return; }
    var body = this.el.querySelector("table.opp tbody");
    var acts = this.top(), strategy = this.strategy, html = [];
    acts.forEach(function (a, k) {
      var row = d.rows[a], cells = [];
      d.columns.forEach(function (col) {
        var key = col[0], v;
        if (key === "rank") { v = String(k + 1); }
        else if (key === "score" || key === "score_decile") { v = row[key][strategy]; }
        else { v = row[key]; }
        var title = key === "name" ? " title='" + esc(row.full) + "'" : "";
        cells.push("<td class='" + col[2] + "'" + title + ">" + esc(v == null ? "" : v) +
                   "</td>");
      });
      html.push("<tr data-a='" + esc(a) + "' data-c='" + row.c + "'>" + cells.join("") +
                "</tr>");
    });
    body.innerHTML = html.join("");
    var words = this.el.querySelector(".strategy-words");
    if (words) { words.textContent = d.words[strategy]; }
    var top = {};
    acts.forEach(function (a) { top[a] = true; });
    this.el.querySelectorAll("svg.feas circle.pt").forEach(function (c) {
      c.classList.toggle("top", top[c.getAttribute("data-a")] === true);
    });
    this.el.setAttribute("data-top", acts.join(","));
  };

  Section.prototype.applyAxis = function () {
    var y = this.yaxis;
    this.el.querySelectorAll("svg.feas circle.pt").forEach(function (c) {
      c.setAttribute("cy", c.getAttribute("data-y-" + y));
    });
    this.el.querySelectorAll("svg.feas g.ax-pci").forEach(function (g) {
      g.style.display = y === "pci" ? "" : "none";
    });
    this.el.querySelectorAll("svg.feas g.ax-cog").forEach(function (g) {
      g.style.display = y === "cog" ? "" : "none";
    });
  };

  Section.prototype.bind = function () {
    var self = this;
    this.el.querySelectorAll(".clusterbar button.cl").forEach(function (b) {
      b.addEventListener("click", function () {
        var c = b.getAttribute("data-c");
        if (self.chosen[c]) { delete self.chosen[c]; } else { self.chosen[c] = true; }
        self.applyClusters();
        self.renderTable();
      });
    });
    this.el.querySelectorAll(".clusterbar button.cl-all").forEach(function (b) {
      b.addEventListener("click", function () {
        self.chosen = {};
        self.applyClusters();
        self.renderTable();
      });
    });
    this.el.querySelectorAll("input.strategy").forEach(function (r) {
      r.addEventListener("change", function () {
        if (r.checked) { self.strategy = r.value; self.renderTable(); }
      });
    });
    this.el.querySelectorAll("input.yaxis").forEach(function (r) {
      r.addEventListener("change", function () {
        if (r.checked) { self.yaxis = r.value; self.applyAxis(); }
      });
    });
  };

  var sections = [];
  document.querySelectorAll("section.space").forEach(function (el) {
    var s = new Section(el);
    s.bind();
    s.applyAxis();
    s.renderTable();
    sections.push(s);
  });
  window.smartspecReport = {
    sections: sections,
    /* for tests and the console: choose clusters (indices) and a strategy in a section */
    set: function (sid, strategy, clusters) {
      sections.forEach(function (s) {
        if (s.sid !== sid) { return; }
        if (strategy) {
          s.strategy = strategy;
          s.el.querySelectorAll("input.strategy").forEach(function (r) {
            r.checked = r.value === strategy;
          });
        }
        if (clusters) {
          s.chosen = {};
          clusters.forEach(function (c) { s.chosen[String(c)] = true; });
        }
        s.applyClusters();
        s.renderTable();
      });
    }
  };
  document.body.setAttribute("data-ready", "1");
})();
