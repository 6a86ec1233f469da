import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import TestSupport
import Testing

/// The time axis in a real browser: zooming the overview (buttons, a drag across the axis), the
/// opened session's own time scale, and zoom when printing. Measurements are taken by a script
/// appended to the page and read back from the root element's `data-probe` (JSON).
@Suite(.enabled(if: HeadlessChromium.executable != nil, Comment(rawValue: HeadlessChromium.skipReason)))
struct HTMLReportZoomTests {
    typealias F = ReportFixtures

    /// A 5 ms session at the start and a 900 ms one 100 s later, of two fragments Acked after
    /// 400 ms each: in the overview the second is a few pixels at the right end.
    static func page(sessionsPerPage: Int = 100) -> String {
        let early = F.session(id: "{E}", requests: [F.fragment(0, 9, of: 10, at: 0)])
        var slow = [F.fragment(0, 4, of: 10, at: 100_000), F.fragment(5, 9, of: 10, at: 100_500)]
        slow[0].ackTime = F.time(100_400)
        slow[1].ackTime = F.time(100_900)
        let late = F.session(id: "{L}", requests: slow)
        var limits = HTMLReportLimits()
        limits.sessionsPerPage = sessionsPerPage
        return HTMLReport(timeline: F.report([early, late]), limits: limits).render()
    }

    /// Runs `actions` after the page's script; they end by calling `probe(value)`; returns the value.
    static func probe(_ actions: String, page: String = page()) throws -> [String: Any] {
        let helpers = """
            function probe(value) { document.documentElement.setAttribute('data-probe', JSON.stringify(value)); }
            var axis = document.getElementById('time-axis');
            function clientX(unit) { var box = axis.getBoundingClientRect(); return box.left + unit / 1000 * box.width; }
            function mouse(type, target, unit) {
              var box = axis.getBoundingClientRect();
              target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, clientX: clientX(unit),
                                                          clientY: box.top + 5 }));
            }
            function bar(row, kind) { return document.querySelector('#' + row + ' svg.track.' + kind + ' rect.frag'); }
            """
        let html = page.replacingOccurrences(of: "</body>", with: "<script>\(helpers)\n\(actions)</script>\n</body>")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-zoom-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(html.utf8).write(to: file)
        let dom = try HeadlessChromium.dumpDOM(of: file)
        let root = HeadlessChromium.rootTag(of: dom)
        #expect(!root.contains("data-script-errors"), "\(root)")
        guard let start = root.range(of: "data-probe=\""),
              let end = root[start.upperBound...].firstIndex(of: "\"") else { return [:] }
        let json = String(root[start.upperBound..<end]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }

    @Test("Zoom in halves the window around its middle, its label and ticks follow; Whole capture restores it")
    func zoomButtons() throws {
        let result = try Self.probe("""
            var before = axis.querySelectorAll('text').length;
            document.getElementById('zoom-in').click();
            var zoomed = { window: axis.getAttribute('data-window'), info: document.getElementById('zoom-info').textContent,
                           ticks: axis.querySelector('text').textContent };
            document.getElementById('zoom-right').click();
            var panned = axis.getAttribute('data-window');
            document.getElementById('zoom-reset').click();
            probe({ before: before, zoomed: zoomed, panned: panned, reset: axis.getAttribute('data-window'),
                    info: document.getElementById('zoom-info').textContent, bar: bar('s1', 'overview').getAttribute('x') });
            """)
        let zoomed = try #require(result["zoomed"] as? [String: Any])
        let window = (zoomed["window"] as? String ?? "").split(separator: " ").compactMap { Double($0) }
        // The capture is 100.9 s long: zoomed in, the middle half.
        #expect(window.count == 2 && abs(window[0] - 25.225) < 1e-6 && abs(window[1] - 75.675) < 1e-6, "\(window)")
        #expect((zoomed["info"] as? String)?.contains("zoomed ×2.00") == true, "\(zoomed)")
        #expect((zoomed["ticks"] as? String)?.hasPrefix("+") == true)
        let panned = (result["panned"] as? String ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(panned.count == 2 && abs(panned[0] - 50.45) < 1e-6, "half a window later: \(panned)")
        let reset = (result["reset"] as? String ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(reset.count == 2 && reset[0] == 0 && abs(reset[1] - 100.9) < 1e-6)
        #expect((result["info"] as? String)?.contains("the whole capture") == true)
        #expect(result["bar"] as? String == "44", "the first session's bar back at the axis start")
    }

    @Test("dragging across the axis zooms to that stretch: the late session's bars widen, the early one is hidden")
    func dragZoom() throws {
        let result = try Self.probe("""
            var lateBefore = bar('s2', 'overview').getBoundingClientRect().width;
            mouse('mousedown', axis, 980); mouse('mousemove', window, 990); mouse('mouseup', window, 999);
            var late = bar('s2', 'overview');
            probe({ window: axis.getAttribute('data-window'), lateBefore: lateBefore,
                    lateAfter: late.getBoundingClientRect().width,
                    earlyHidden: getComputedStyle(bar('s1', 'overview')).display === 'none',
                    info: document.getElementById('zoom-info').textContent });
            """)
        let window = (result["window"] as? String ?? "").split(separator: " ").compactMap { Double($0) }
        // Units 980 to past the end of an axis from 44 to 994 over 100.9 s: 99.41 s to the end
        // (give or take a pixel: mouse positions are whole pixels).
        #expect(window.count == 2 && abs(window[0] - 99.413) < 0.3 && abs(window[1] - 100.9) < 1e-6, "\(result)")
        // A 400 ms bar: 0.4 % of the whole capture, about a quarter of the zoomed axis.
        let before = result["lateBefore"] as? Double ?? 0
        let after = result["lateAfter"] as? Double ?? 0
        #expect(after > before * 20, "\(before) → \(after)")
        #expect(result["earlyHidden"] as? Bool == true)
        #expect((result["info"] as? String)?.contains("to +1 min 40.9 s of 1 min 41 s") == true, "\(result)")
    }

    @Test("opened, a short session late in a long capture is drawn on its own time scale across the row")
    func ownTimeScale() throws {
        let result = try Self.probe("""
            var row = document.getElementById('s2'); row.open = true;
            var own = document.querySelector('#s2 svg.track.own-scale');
            probe({ trackWidth: own.getBoundingClientRect().width,
                    ownBar: bar('s2', 'own-scale').getBoundingClientRect().width,
                    overviewBar: bar('s2', 'overview').getBoundingClientRect().width,
                    ticks: Array.prototype.map.call(row.querySelectorAll('svg.axis text'), function (t) { return t.textContent; }) });
            """)
        let width = result["trackWidth"] as? Double ?? 0
        #expect((result["ownBar"] as? Double ?? 0) > width * 0.4, "\(result)")
        #expect((result["overviewBar"] as? Double ?? 0) < width * 0.01, "\(result)")
        #expect((result["ticks"] as? [String])?.last == "+800 ms", "\(result)")
    }

    @Test("printing while zoomed: every row is shown and drawn at the zoom, the label says so, the buttons are not printed")
    func printWhileZoomed() throws {
        let page = Self.page(sessionsPerPage: 1)
        let result = try Self.probe("""
            document.getElementById('zoom-in').click();
            window.dispatchEvent(new Event('beforeprint'));
            probe({ hidden: document.querySelectorAll('details.session[hidden]').length,
                    zoomedRows: document.querySelectorAll('details.session[data-zoomed]').length,
                    info: document.getElementById('zoom-info').textContent });
            """, page: page)
        #expect(result["hidden"] as? Int == 0)
        #expect(result["zoomedRows"] as? Int == 2)
        #expect((result["info"] as? String)?.contains("zoomed") == true)
        #expect(page.contains("nav.pager, nav.zoom { display: none; }"))
    }
}
