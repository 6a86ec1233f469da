/// A session's byte map drawn as a bar over the file's length (acknowledged, sent but not
/// acknowledged, gaps, the rest), a band above it for what happened on the way (bytes sent twice,
/// holes jumped over), and the same as a list.
struct HTMLByteMapView {
    /// The map.
    let map: SessionByteMap

    /// Width of the bar in SVG units.
    static let width = 1000.0

    /// The heading, the SVG bar and the list.
    func render() -> String {
        var out = "<h4>Byte map</h4>\n"
        guard map.extent > 0 else { return out + "<p class=\"empty\">No fragment with a range.</p>\n" }
        let scale = Self.width / Double(map.extent)
        out += "<svg class=\"bytemap\" viewBox=\"0 0 \(Int(Self.width)) 30\" preserveAspectRatio=\"xMinYMin meet\" "
            + "role=\"img\" aria-label=\"byte map\">"
        for span in map.spans { out += rect(span, y: 10, height: 16, scale: scale) }
        for span in map.events { out += rect(span, y: 1, height: 7, scale: scale) }
        if let missing = map.missingAtClose {
            let x = Double(missing.start) * scale
            out += "<rect class=\"bm-missing\" x=\"\(HTMLText.number(x))\" y=\"9\" "
                + "width=\"\(HTMLText.number(max(Double(missing.length) * scale, 1)))\" height=\"18\">"
                + "<title>missing at Close: \(HTMLText.grouped(missing.start))–\(HTMLText.grouped(missing.end - 1))"
                + "</title></rect>"
        }
        out += "</svg>\n<ul class=\"bytemap-list\">\n"
        for span in (map.spans + map.events).sorted(by: { $0.start != $1.start ? $0.start < $1.start : $0.end < $1.end }) {
            out += "<li class=\"bm-\(span.kind.rawValue)\">\(span.kind.rawValue): \(Self.describe(span))</li>\n"
        }
        if let missing = map.missingAtClose {
            out += "<li class=\"bm-missing\">missing at Close: \(Self.describe(missing))</li>\n"
        }
        if map.truncated { out += "<li>(later fragments not drawn)</li>\n" }
        return out + "</ul>\n"
    }

    /// `bytes 4,096–8,191 (4.0 KiB)`.
    static func describe(_ span: SessionByteMap.Span) -> String {
        "bytes \(HTMLText.grouped(span.start))–\(HTMLText.grouped(span.end - 1)) (\(HumanUnits.bytes(span.length)))"
    }

    private func rect(_ span: SessionByteMap.Span, y: Double, height: Double, scale: Double) -> String {
        let x = Double(span.start) * scale
        let width = max(Double(span.length) * scale, 0.5)
        return "<rect class=\"bm-\(span.kind.rawValue)\" x=\"\(HTMLText.number(x))\" y=\"\(HTMLText.number(y))\" "
            + "width=\"\(HTMLText.number(width))\" height=\"\(HTMLText.number(height))\">"
            + "<title>\(span.kind.rawValue): \(Self.describe(span))</title></rect>"
    }
}
