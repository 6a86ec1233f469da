/// The style sheet and scripts inlined into every HTML report. Nothing is fetched: no fonts,
/// images or external scripts.
enum HTMLReportAssets {
    /// Runs first: records any script error into the DOM (`data-script-errors` on the root element),
    /// where a test reading the rendered DOM finds it.
    static let errorTrap = """
        window.onerror = function (message, source, line) {
          var root = document.documentElement;
          var previous = root.getAttribute('data-script-errors') || '';
          root.setAttribute('data-script-errors', previous + String(message) + ' (line ' + line + '); ');
        };
        """

    /// Paging and filtering of session rows, revealing a linked row, sorting the findings table,
    /// showing everything for print. Sets `data-ready="true"` on the root element when done, and
    /// `data-ready-ms` to the milliseconds since navigation started.
    static let script = """
        (function () {
          'use strict';
          var rows = Array.prototype.slice.call(document.querySelectorAll('details.session'));
          var holder = document.getElementById('sessions');
          var pageSize = Math.max(1, parseInt(holder ? holder.getAttribute('data-page-size') : '100', 10) || 100);
          var filter = document.getElementById('state-filter');
          var info = document.getElementById('page-info');
          var previous = document.getElementById('page-prev');
          var next = document.getElementById('page-next');
          var expand = document.getElementById('expand-all');
          var page = 0;
          var zoom = timeZoom();
          function matching() {
            var wanted = filter ? filter.value : '';
            return rows.filter(function (row) {
              if (!wanted) { return true; }
              if (wanted === 'with-findings') { return row.getAttribute('data-findings') !== '0'; }
              return row.getAttribute('data-state') === wanted;
            });
          }
          function show() {
            var list = matching();
            var pages = Math.max(1, Math.ceil(list.length / pageSize));
            page = Math.min(Math.max(page, 0), pages - 1);
            var shown = list.slice(page * pageSize, (page + 1) * pageSize);
            rows.forEach(function (row) { row.hidden = true; });
            shown.forEach(function (row) { row.hidden = false; });
            if (info) {
              info.textContent = list.length === 0 ? 'No sessions' : 'Sessions ' + (page * pageSize + 1) + '\\u2013' +
                (page * pageSize + shown.length) + ' of ' + list.length;
            }
            if (previous) { previous.disabled = page === 0; }
            if (next) { next.disabled = page >= pages - 1; }
            zoom.apply(shown);
          }
          function reveal(id) {
            var target = id ? document.getElementById(id) : null;
            if (!target) { return; }
            var row = target.closest ? target.closest('details.session') : null;
            if (row) {
              if (matching().indexOf(row) < 0 && filter) { filter.value = ''; }
              page = Math.floor(matching().indexOf(row) / pageSize);
              show();
              row.open = true;
            }
            target.scrollIntoView();
          }
          if (previous) { previous.addEventListener('click', function () { page -= 1; show(); }); }
          if (next) { next.addEventListener('click', function () { page += 1; show(); }); }
          if (filter) { filter.addEventListener('change', function () { page = 0; show(); }); }
          if (expand) {
            expand.addEventListener('click', function () {
              rows.forEach(function (row) { if (!row.hidden) { row.open = true; } });
            });
          }
          window.addEventListener('hashchange', function () { reveal(decodeURIComponent(location.hash.slice(1))); });
          document.addEventListener('click', function (event) {
            var link = event.target && event.target.closest ? event.target.closest('a[href^="#"]') : null;
            if (link) { reveal(link.getAttribute('href').slice(1)); }
          });
          var table = document.getElementById('findings-table');
          if (table) {
            var body = table.tBodies[0];
            var direction = {};
            Array.prototype.forEach.call(table.querySelectorAll('button[data-sort]'), function (button) {
              button.addEventListener('click', function () {
                var key = button.getAttribute('data-sort');
                direction[key] = -(direction[key] || (key === 'severity' ? 1 : -1));
                var sign = direction[key];
                var items = Array.prototype.slice.call(body.rows);
                items.sort(function (a, b) {
                  var order = (+a.getAttribute('data-order')) - (+b.getAttribute('data-order'));
                  var primary = 0;
                  if (key === 'severity') {
                    primary = (+a.getAttribute('data-severity')) - (+b.getAttribute('data-severity'));
                  } else if (key === 'code') {
                    primary = a.getAttribute('data-code') < b.getAttribute('data-code') ? -1 :
                      (a.getAttribute('data-code') > b.getAttribute('data-code') ? 1 : 0);
                  }
                  return primary !== 0 ? sign * primary : (key === 'order' ? sign * order : order);
                });
                items.forEach(function (item) { body.appendChild(item); });
                table.setAttribute('data-sorted', key + (sign > 0 ? '-ascending' : '-descending'));
              });
            });
          }
          window.addEventListener('beforeprint', function () {
            rows.forEach(function (row) { row.hidden = false; });
            zoom.apply(rows);
          });
          window.addEventListener('afterprint', show);
          show();
          if (location.hash) { reveal(decodeURIComponent(location.hash.slice(1))); }
          // How long parsing and this script took, for docs/report.md's numbers.
          if (window.performance) {
            document.documentElement.setAttribute('data-ready-ms', String(Math.round(performance.now())));
          }
          document.documentElement.setAttribute('data-ready', 'true');
        })();
        """

    /// The zoom of the session rows' shared time axis, defined before ``script`` runs: a window
    /// `[from, to]` in seconds from the capture's start; the overview drawings (`svg.track.overview`)
    /// are redrawn for it by moving their marks (original places kept in `data-x0`/`data-w0`),
    /// clamping bars to the axis and hiding marks outside it; the axis ticks and the `#zoom-info`
    /// label are rewritten. The window is also on `#time-axis` as `data-window="from to"`.
    static let zoomScript = """
        function timeZoom() {
          'use strict';
          var axis = document.getElementById('time-axis');
          var info = document.getElementById('zoom-info');
          var none = { apply: function () {} };
          if (!axis) { return none; }
          var svgNS = axis.namespaceURI;
          var span = parseFloat(axis.getAttribute('data-span')) || 0.000001;
          var left = parseFloat(axis.getAttribute('data-left')) || 0;
          var right = parseFloat(axis.getAttribute('data-right')) || 1000;
          var from = 0, to = span, zoomed = false;
          var minimum = Math.max(span / 1e6, 0.000001);
          function duration(seconds, step) {
            if (seconds < 1) {
              if (step < 0.001) { return (seconds * 1000).toFixed(Math.min(3, Math.ceil(-Math.log10(step * 1000)))) + ' ms'; }
              return Math.round(seconds * 1000) + ' ms';
            }
            if (seconds < 59.95) {
              return seconds.toFixed(step < 0.1 ? Math.min(6, Math.ceil(-Math.log10(step))) : 1) + ' s';
            }
            if (seconds < 3600 && step < 1) {
              // Zoomed in on a long capture: the seconds keep the ticks' precision.
              var minutes = Math.floor(seconds / 60);
              return minutes + ' min ' + (seconds - minutes * 60).toFixed(Math.min(6, Math.ceil(-Math.log10(step)))) + ' s';
            }
            var whole = Math.round(seconds);
            if (whole < 3600) { return Math.floor(whole / 60) + ' min ' + (whole % 60) + ' s'; }
            if (whole < 86400) { return Math.floor(whole / 3600) + ' h ' + Math.floor((whole % 3600) / 60) + ' min'; }
            return Math.floor(whole / 86400) + ' d ' + Math.floor((whole % 86400) / 3600) + ' h';
          }
          function place(x) { return (x - left) / (right - left) * span; }
          function toX(seconds) { return left + (seconds - from) / (to - from) * (right - left); }
          function ticks() {
            var group = axis.querySelector('g.ticks');
            var rough = (to - from) / 8, step = 1e-6;
            while (step * 5 < rough) { step *= 10; }
            if (step < rough) { step *= step * 2 >= rough ? 2 : 5; }
            while (group.firstChild) { group.removeChild(group.firstChild); }
            for (var value = Math.ceil(from / step - 1e-9) * step, n = 0; value <= to + step / 1000 && n < 100; value += step, n++) {
              var x = toX(value);
              var line = document.createElementNS(svgNS, 'line');
              line.setAttribute('x1', x); line.setAttribute('x2', x); line.setAttribute('y1', 14); line.setAttribute('y2', 22);
              var text = document.createElementNS(svgNS, 'text');
              text.setAttribute('x', x); text.setAttribute('y', 11); text.setAttribute('text-anchor', 'middle');
              text.textContent = '+' + duration(value, step);
              group.appendChild(line); group.appendChild(text);
            }
            axis.setAttribute('data-window', from + ' ' + to);
            if (info) {
              info.textContent = zoomed
                ? 'Time axis: +' + duration(from, step) + ' to +' + duration(to, step) + ' of ' + duration(span, span) +
                  ' (zoomed \\u00d7' + (span / (to - from)).toPrecision(3) + '; "Whole capture" shows all)'
                : 'Time axis: the whole capture, +0 to +' + duration(span, span) + ' from its first message';
            }
          }
          function redraw(row) {
            if (!zoomed && !row.hasAttribute('data-zoomed')) { return; }
            var marks = row.querySelectorAll('svg.track.overview .plot rect, svg.track.overview .plot path');
            for (var i = 0; i < marks.length; i++) {
              var mark = marks[i];
              if (mark.tagName === 'path') {
                var px = parseFloat(mark.getAttribute('data-x'));
                var y = mark.getAttribute('d').split(' ')[1];
                var nx = zoomed ? toX(place(px)) : px;
                mark.setAttribute('d', 'M' + nx + ' ' + y + ' l-5 -9 h10 z');
                mark.style.display = nx < left - 0.01 || nx > right + 0.01 ? 'none' : '';
                continue;
              }
              if (!mark.hasAttribute('data-x0')) {
                mark.setAttribute('data-x0', mark.getAttribute('x'));
                mark.setAttribute('data-w0', mark.getAttribute('width'));
              }
              var x0 = parseFloat(mark.getAttribute('data-x0')), w0 = parseFloat(mark.getAttribute('data-w0'));
              if (!zoomed) {
                mark.setAttribute('x', x0); mark.setAttribute('width', w0); mark.style.display = '';
                continue;
              }
              var bar = mark.classList.contains('frag');
              var start = bar ? toX(place(x0)) : toX(place(x0 + w0 / 2)) - w0 / 2;
              var end = bar ? Math.max(toX(place(parseFloat(mark.getAttribute('data-x1')) || x0 + w0)), start + 2) : start + w0;
              var shown = end >= left && start <= right;
              mark.style.display = shown ? '' : 'none';
              if (bar) { start = Math.max(start, left); end = Math.min(end, right); }
              mark.setAttribute('x', start); mark.setAttribute('width', Math.max(end - start, bar ? 0.5 : w0));
            }
            if (zoomed) { row.setAttribute('data-zoomed', ''); } else { row.removeAttribute('data-zoomed'); }
          }
          var shownRows = [];
          function apply(list) { shownRows = list || shownRows; shownRows.forEach(redraw); }
          function set(newFrom, newTo) {
            var width = Math.min(Math.max(newTo - newFrom, minimum), span);
            newFrom = Math.min(Math.max(newFrom, 0), span - width);
            from = newFrom; to = newFrom + width;
            zoomed = from > 0 || to < span;
            ticks();
            apply();
          }
          function button(id, action) {
            var element = document.getElementById(id);
            if (element) { element.addEventListener('click', action); }
          }
          button('zoom-in', function () { var middle = (from + to) / 2, half = (to - from) / 4; set(middle - half, middle + half); });
          button('zoom-out', function () { var middle = (from + to) / 2, half = (to - from); set(middle - half, middle + half); });
          button('zoom-left', function () { var shift = (to - from) / 2; set(from - shift, to - shift); });
          button('zoom-right', function () { var shift = (to - from) / 2; set(from + shift, to + shift); });
          button('zoom-reset', function () { set(0, span); });
          // Dragging across the axis selects the stretch of time to zoom to.
          var dragStart = null, band = null;
          function unit(event) {
            var box = axis.getBoundingClientRect();
            return box.width > 0 ? (event.clientX - box.left) / box.width * 1000 : left;
          }
          function seconds(x) { return from + (Math.min(Math.max(x, left), right) - left) / (right - left) * (to - from); }
          axis.addEventListener('mousedown', function (event) {
            dragStart = unit(event);
            band = document.createElementNS(svgNS, 'rect');
            band.setAttribute('class', 'zoom-band'); band.setAttribute('y', 0); band.setAttribute('height', 22);
            band.setAttribute('x', dragStart); band.setAttribute('width', 0);
            axis.appendChild(band);
            event.preventDefault();
          });
          window.addEventListener('mousemove', function (event) {
            if (dragStart === null) { return; }
            var x = unit(event);
            band.setAttribute('x', Math.min(x, dragStart)); band.setAttribute('width', Math.abs(x - dragStart));
          });
          window.addEventListener('mouseup', function (event) {
            if (dragStart === null) { return; }
            var x = unit(event), a = Math.min(x, dragStart), b = Math.max(x, dragStart);
            dragStart = null;
            if (band && band.parentNode) { band.parentNode.removeChild(band); }
            if (b - a >= 3) { set(seconds(a), seconds(b)); }
          });
          return { apply: apply, set: set };
        }
        """

    /// Screen and print styles.
    static let styleSheet = """
        :root { --ok: #2f7d4f; --failed: #c62828; --unanswered: #9e9e9e; --challenge: #d99a00;
          --create: #1565c0; --close: #1b5e20; --cancel: #e65100; --ping: #607d8b; --resync: #7e57c2;
          --info: #607d8b; --notice: #1565c0; --warning: #d98c00; --error: #c62828; --line: #d7dbe0; }
        * { box-sizing: border-box; }
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 12px 20px;
          max-width: 1400px; color: #1d2330; background: #fff; }
        h1 { font-size: 22px; margin: 4px 0 8px; } h2 { font-size: 18px; margin: 18px 0 6px; }
        h3, h4 { font-size: 14px; margin: 10px 0 4px; }
        code, .sid { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 4px 0; }
        dl.facts dt { color: #5b6473; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .chip { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; color: #fff;
          background: #78808c; white-space: nowrap; }
        .chip.state-completed { background: var(--ok); } .chip.state-closed-partial { background: var(--error); }
        .chip.state-cancelled { background: var(--cancel); } .chip.state-uploaded-not-closed { background: var(--warning); }
        .chip.state-orphaned { background: #6a1b9a; } .chip.state-rejected { background: #5d4037; }
        .chip.state-in-progress { background: var(--notice); }
        .chip.sev-info { background: var(--info); } .chip.sev-notice { background: var(--notice); }
        .chip.sev-warning { background: var(--warning); } .chip.sev-error { background: var(--error); }
        ul.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 4px 0; }
        ul.legend li { display: flex; align-items: center; gap: 4px; } ul.legend svg { flex: none; }
        ul.codes { columns: 3 280px; margin: 4px 0; } .hint, .note, footer { color: #5b6473; font-size: 12.5px; }
        nav.pager { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 6px 0; }
        svg.axis { width: 100%; height: auto; display: block; }
        svg.axis line { stroke: #8a94a3; } svg.axis text { font-size: 11px; fill: #5b6473; }
        details.session { border-top: 1px solid var(--line); content-visibility: auto; contain-intrinsic-size: auto 70px; }
        details.session[open] { background: #fafbfc; }
        details.session > summary { cursor: pointer; list-style: none; padding: 3px 0; }
        details.session > summary::-webkit-details-marker { display: none; }
        .row-head { display: flex; gap: 10px; align-items: baseline; min-width: 0; }
        .row-head .sid { flex: none; } .row-head .progress { flex: none; color: #3b4453; }
        .row-head .rejection { color: var(--error); font-weight: 600; }
        .row-head .url { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
          color: #5b6473; }
        svg.track { width: 100%; height: auto; display: block; }
        .lane { fill: #f1f3f6; } .lane.odd { fill: #e8ebf0; } .lane-label { font-size: 8px; fill: #5b6473; }
        .frag.ok { fill: var(--ok); } .frag.failed { fill: var(--failed); }
        .frag.unanswered { fill: #fff; stroke: var(--unanswered); stroke-dasharray: 3 2; }
        .frag.challenge { fill: var(--challenge); } .frag.resync, .mark.resync { fill: var(--resync); }
        .mark.create { fill: var(--create); } .mark.close { fill: var(--close); } .mark.cancel { fill: var(--cancel); }
        .mark.ping { fill: var(--ping); } .mark.failed { fill: var(--failed); }
        .mark.unanswered { fill: #fff; stroke: var(--unanswered); }
        .finding { stroke: #fff; stroke-width: 0.8; } .finding.sev-info { fill: var(--info); }
        .finding.sev-notice { fill: var(--notice); } .finding.sev-warning { fill: var(--warning); }
        .finding.sev-error { fill: var(--error); }
        .detail { padding: 4px 0 10px 14px; }
        svg.bytemap { width: 100%; height: auto; display: block; max-width: 1000px; }
        .bm-acknowledged { fill: var(--ok); color: var(--ok); } .bm-unacknowledged { fill: #90caf9; color: #1565c0; }
        .bm-gap { fill: #fff; stroke: var(--error); stroke-width: 1; color: var(--error); }
        .bm-unsent { fill: #eceff1; color: #5b6473; } .bm-overlap { fill: var(--warning); color: #8a5a00; }
        .bm-duplicate { fill: #6a1b9a; color: #6a1b9a; } .bm-skipped { fill: #ef9a9a; color: var(--error); }
        .bm-resent { fill: var(--resync); color: var(--resync); fill-opacity: 0.55; }
        .bm-missing { fill: none; stroke: var(--error); stroke-width: 2; stroke-dasharray: 5 3; color: var(--error); }
        ul.bytemap-list { margin: 2px 0; padding-left: 18px; font-size: 12.5px; }
        table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
        th, td { border-bottom: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
        td { overflow-wrap: anywhere; } tr.failed td { color: var(--failed); } tr.resync td { color: var(--resync); }
        nav.zoom { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 6px 0 0; }
        .axis-label { color: #3b4453; font-size: 12.5px; margin: 2px 0; }
        svg.axis#time-axis { cursor: crosshair; } .zoom-band { fill: #1565c0; fill-opacity: 0.2; }
        th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer;
          text-decoration: underline dotted; }
        table.findings tr:target, details.session:target { outline: 2px solid #1565c0; }
        table.findings .advice { color: #5b6473; margin-top: 2px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11px; }
          nav.pager, .hint, th button { text-decoration: none; }
          nav.pager, nav.zoom { display: none; }
          details.session[hidden] { display: block; }
          details.session { content-visibility: visible; break-inside: avoid; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
