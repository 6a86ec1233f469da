/// A session's byte map drawn as a bar over the file's length (acknowledged, sent but not
/// acknowledged, gaps, the rest), a band above it for what happened on the way (bytes sent twice,
/// holes jumped over), and the same as a list.
struct HTMLByteMapView {
    /// The map.
    let map: SessionByteMap

    /// Width of the bar in SVG units.
    static let width = 1000.0


    /// Writes the heading, the bar and the list to `out`.
    func render(into out: inout HTMLWriter) {
        out.raw("<h4>Byte map</h4>\n")
        guard map.extent > 0 else {
            out.raw("<p class=\"empty\">No fragment with a range.</p>\n")
            return
        }
        let scale = Self.width / Double(map.extent)
        out.start("svg", ["class": "bytemap", "viewBox": "0 0 \(Int(Self.width)) 30",
                          "preserveAspectRatio": "xMinYMin meet", "role": "img", "aria-label": "byte map"])
        for span in map.spans { rect(span, y: 10, height: 16, scale: scale, into: &out) }
        for span in map.events { rect(span, y: 1, height: 7, scale: scale, into: &out) }
        if let missing = map.missingAtClose {
            let x = Double(missing.start) * scale
            out.start("rect", ["class": "bm-missing", "x": HTMLText.number(x), "y": "9",
                               "width": HTMLText.number(max(Double(missing.length) * scale, 1)), "height": "18"])
            out.element("title", text: "missing at Close: \(HTMLText.grouped(missing.start))–"
                + HTMLText.grouped(missing.end - 1))
            out.end("rect")
        }
        out.raw("</svg>\n<ul class=\"bytemap-list\">\n")
        for span in (map.spans + map.events).sorted(by: { $0.start != $1.start ? $0.start < $1.start : $0.end < $1.end }) {
            out.element("li", ["class": "bm-\(span.kind.rawValue)"], text: "\(span.kind.rawValue): \(Self.describe(span))")
            out.raw("\n")
        }
        if let missing = map.missingAtClose {
            out.element("li", ["class": "bm-missing"], text: "missing at Close: \(Self.describe(missing))")
            out.raw("\n")
        }
        if map.truncated { out.raw("<li>(later fragments not drawn)</li>\n") }
        out.raw("</ul>\n")
    }

    /// `bytes 4,096–8,191 (4.0 KiB)`.
    static func describe(_ span: SessionByteMap.Span) -> String {
        "bytes \(HTMLText.grouped(span.start))–\(HTMLText.grouped(span.end - 1)) (\(HumanUnits.bytes(span.length)))"
    }

    private func rect(_ span: SessionByteMap.Span, y: Double, height: Double, scale: Double, into out: inout HTMLWriter) {
        let x = Double(span.start) * scale
        let width = max(Double(span.length) * scale, 0.5)
        out.element("rect", ["class": "bm-\(span.kind.rawValue)", "x": HTMLText.number(x), "y": HTMLText.number(y),
                             "width": HTMLText.number(width), "height": HTMLText.number(height)]) {
            $0.element("title", text: "\(span.kind.rawValue): \(Self.describe(span))")
        }
    }
}
