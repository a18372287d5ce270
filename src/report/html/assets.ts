// The report page's stylesheet and script: constants of this project, inlined into the page (the
// file must work from a USB stick: no external reference, no network, no library). The script
// adds the pointer's tooltip and zooming to the log map; without it the page still shows
// everything (each mark has a <title>), and printing opens every collapsed section.

export const REPORT_CSS = `
:root { --ok: #2e7d32; --bad: #c62828; --warn: #b26a00; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code, .mono, td.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 12.5px; }
.keep { font-size: 18px; margin: 8px 0; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.tag { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
ul.tight { margin: 4px 0; padding-left: 22px; } ul.tight li { margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 8px 0; }
.finding.error { border-color: var(--bad); } .finding.warning { border-color: var(--warn); } .finding.info { border-color: #9e9e9e; }
.finding .head { font-weight: 600; }
.evidence { font-size: 12.5px; margin: 4px 0; }
.evidence td:first-child { width: 1%; white-space: nowrap; color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 4px; padding: 4px 10px; margin: 8px 0; }
details > summary { cursor: pointer; font-weight: 600; }
.controls { margin: 6px 0; font-size: 13px; }
.controls input { width: 9em; }
#logmap { width: 100%; height: auto; background: #fff; user-select: none; }
#logmap .lane { fill: #fafafa; stroke: #ccc; }
#logmap .name { font: 12px ui-monospace, monospace; text-anchor: end; }
#logmap .best .name { font-weight: 700; } #logmap .star { font: 16px system-ui, sans-serif; fill: #b26a00; }
#logmap .verdict { font: 12px system-ui, sans-serif; }
#logmap .v-refuses, #logmap .v-hangs, #logmap .v-crashes { fill: var(--bad); font-weight: 700; }
#logmap .v-drops { fill: var(--warn); font-weight: 700; }
#logmap .seg { stroke: #fff; stroke-width: 0.6; }
#logmap .seg.closed.f-loaded { fill: #4caf50; } #logmap .seg.open.f-loaded { fill: #26a6b8; }
#logmap .f-ignored, #logmap .f-not-reached, #logmap .f-removed { fill: url(#p-off); }
#logmap .f-moved-aside { fill: url(#p-aside); } #logmap .f-fails { fill: #e57373; }
#logmap .gap { fill: url(#p-gap); stroke: #b03090; stroke-width: 0.8; }
#logmap .dmg { fill: url(#p-dmg); stroke: #8b0000; }
#logmap .term { stroke: #5e35b1; stroke-width: 2; stroke-dasharray: 3 2; }
#logmap .snap { fill: #1f4fd1; stroke: #fff; stroke-width: 1; } #logmap .s-older { fill: #fff; stroke: #1f4fd1; stroke-width: 1.5; }
#logmap .s-fails { fill: var(--bad); }
#logmap .fail { fill: var(--bad); stroke: #fff; }
#logmap .axis, #logmap .tick line { stroke: #555; }
#logmap .tick text { font: 11px system-ui, sans-serif; text-anchor: middle; fill: #333; }
#logmap .sel { fill: rgba(31, 79, 209, 0.15); stroke: #1f4fd1; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; margin: 6px 0; }
.legend svg { vertical-align: middle; }
#tip { position: fixed; pointer-events: none; background: #222; color: #fff; font: 12px ui-monospace, monospace; padding: 6px 8px; border-radius: 4px; max-width: 480px; display: none; white-space: pre-wrap; z-index: 10; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .controls, #tip, .noprint { display: none !important; }
  h2 { break-after: avoid; } .finding, tr, .keep { break-inside: avoid; }
  details { border: none; padding: 0; } details > summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Tooltip and zoom for #logmap; every value shown comes from the marks' data-* attributes. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var svg = document.getElementById('logmap');
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
  if (!svg) return;
  var NS = svg.namespaceURI;
  var from = BigInt(svg.dataset.from), to = BigInt(svg.dataset.to);
  var span = Number(to - from) + 1;
  var x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
  var view = [0, span - 1];
  var tip = document.getElementById('tip');
  var fromBox = document.getElementById('zoom-from'), toBox = document.getElementById('zoom-to');

  function xOf(rel) { return x0 + (rel - view[0]) * (x1 - x0) / (view[1] - view[0] + 1); }
  function relAt(x) { return view[0] + Math.floor((x - x0) * (view[1] - view[0] + 1) / (x1 - x0)); }

  function layout() {
    svg.querySelectorAll('[data-a]').forEach(function (el) {
      var a = Number(el.dataset.a);
      if (el.dataset.b !== undefined) {
        var b = Number(el.dataset.b), x = xOf(a);
        el.setAttribute('x', x.toFixed(2));
        el.setAttribute('width', Math.max(1.5, xOf(b + 1) - x).toFixed(2));
      } else if (el.tagName === 'line') {
        var lx = xOf(a).toFixed(2);
        el.setAttribute('x1', lx); el.setAttribute('x2', lx);
      } else {
        el.setAttribute('transform', 'translate(' + xOf(a + 0.5).toFixed(2) + ' ' + el.dataset.y + ')');
      }
    });
    var axis = document.getElementById('axis');
    axis.querySelectorAll('.tick').forEach(function (t) { t.remove(); });
    var n = 6;
    for (var k = 0; k <= n; k++) {
      var rel = view[0] + Math.round((view[1] - view[0]) * k / n);
      var g = document.createElementNS(NS, 'g'); g.setAttribute('class', 'tick');
      var x = xOf(rel + 0.5).toFixed(2);
      var line = document.createElementNS(NS, 'line');
      line.setAttribute('x1', x); line.setAttribute('x2', x); line.setAttribute('y1', '26'); line.setAttribute('y2', '32');
      var text = document.createElementNS(NS, 'text');
      text.setAttribute('x', x); text.setAttribute('y', '22'); text.textContent = String(from + BigInt(rel));
      g.appendChild(line); g.appendChild(text); axis.appendChild(g);
    }
    svg.dataset.view = String(from + BigInt(view[0])) + '-' + String(from + BigInt(view[1]));
    if (fromBox) { fromBox.value = String(from + BigInt(view[0])); toBox.value = String(from + BigInt(view[1])); }
  }

  function zoom(a, b) {
    a = Math.max(0, Math.min(a, span - 1)); b = Math.max(0, Math.min(b, span - 1));
    if (b < a) { var t = a; a = b; b = t; }
    view = [a, b];
    layout();
  }

  function parseIndex(text) {
    try { var v = BigInt(String(text).trim()); return Number(v - from); } catch (e) { return NaN; }
  }

  function zoomFromHash() {
    var m = /zoom=(\\d+)-(\\d+)/.exec(location.hash);
    if (m) zoom(parseIndex(m[1]), parseIndex(m[2]));
  }

  function pointX(ev) {
    var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse()).x;
  }

  function describe(el, ev) {
    var d = el.dataset, lines = [];
    var row = el.closest('.row');
    if (row) lines.push(row.dataset.node);
    if (d.file) lines.push('file   ' + d.file);
    if (d.from !== undefined && d.b !== undefined) {
      var a = Number(d.a), b = Number(d.b), rel = Math.min(b, Math.max(a, relAt(pointX(ev))));
      var index = BigInt(d.from) + BigInt(rel - a);
      lines.push('index  ' + index + '   (' + d.from + '-' + d.to + ')');
      var terms = row ? row.dataset.terms : '', term = '';
      if (terms) {
        terms.split(',').forEach(function (p) { var kv = p.split(':'); if (BigInt(kv[0]) <= index) term = kv[1]; });
        if (term) lines.push('term   ' + term);
      }
      // Entries the node does not load (before its snapshot, moved aside): the file's own terms.
      if (!term && d.terms && /^terms? /.test(d.terms)) lines.push('term   ' + d.terms.replace(/^terms? /, ''));
      if (d.off) {
        var offs = d.off.split(','), pos = d.pos ? d.pos.split(',') : null, k = rel - a, bi = k;
        if (pos) { bi = 0; for (var i = 0; i < pos.length; i++) if (Number(pos[i]) <= k) bi = i; }
        if (offs[bi] !== undefined) lines.push('offset ' + offs[bi] + ' (its batch)');
      } else if (d.offset) {
        lines.push('offset ' + d.offset);
      }
      if (d.fate) lines.push(d.fate);
    }
    var title = el.querySelector('title');
    if (lines.length < 3 && title) lines.push(title.textContent);
    return lines.join('\\n');
  }

  svg.addEventListener('mousemove', function (ev) {
    var el = ev.target.closest('[data-a]');
    if (!el || drag) { tip.style.display = 'none'; return; }
    tip.textContent = describe(el, ev);
    tip.style.display = 'block';
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 300) + 'px';
    tip.style.top = (ev.clientY + 14) + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });

  var drag = null, band = null;
  svg.addEventListener('mousedown', function (ev) {
    var x = pointX(ev);
    if (x < x0 || x > x1) return;
    drag = x;
    band = document.createElementNS(NS, 'rect');
    band.setAttribute('class', 'sel'); band.setAttribute('y', '0'); band.setAttribute('height', svg.viewBox.baseVal.height);
    band.setAttribute('x', x); band.setAttribute('width', '0');
    svg.appendChild(band);
    ev.preventDefault();
  });
  window.addEventListener('mousemove', function (ev) {
    if (drag === null) return;
    var x = Math.max(x0, Math.min(x1, pointX(ev)));
    band.setAttribute('x', Math.min(x, drag)); band.setAttribute('width', Math.abs(x - drag));
  });
  window.addEventListener('mouseup', function (ev) {
    if (drag === null) return;
    var x = Math.max(x0, Math.min(x1, pointX(ev)));
    band.remove();
    var a = relAt(Math.min(x, drag)), b = relAt(Math.max(x, drag));
    drag = null;
    if (b - a >= 1) { zoom(a, b); history.replaceState(null, '', '#zoom=' + svg.dataset.view); }
  });

  var apply = document.getElementById('zoom-apply'), reset = document.getElementById('zoom-reset');
  if (apply) apply.addEventListener('click', function () {
    var a = parseIndex(fromBox.value), b = parseIndex(toBox.value);
    if (!isNaN(a) && !isNaN(b)) { zoom(a, b); history.replaceState(null, '', '#zoom=' + svg.dataset.view); }
  });
  if (reset) reset.addEventListener('click', function () { zoom(0, span - 1); history.replaceState(null, '', '#'); });
  window.addEventListener('hashchange', zoomFromHash);
  layout();
  zoomFromHash();
})();
`;
