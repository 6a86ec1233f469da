import ReportOutput
import Testing

@Suite struct HTMLWriterTests {
    static let hostile = "\"><script>alert('x')</script>&amp;\u{0}"

    @Test("text and attribute values are escaped by default; a nil attribute is left out")
    func escapesByDefault() {
        var writer = HTMLWriter()
        writer.start("a", ["href": Self.hostile, "title": nil, "class": "plain"])
        writer.text(Self.hostile)
        writer.end("a")
        let escaped = "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\u{FFFD}"
        #expect(writer.html == "<a href=\"\(escaped)\" class=\"plain\">\(escaped)</a>")
        #expect(!writer.html.contains("<script"))
    }

    @Test("elements, empty elements and nested content; raw is written as it is")
    func elements() {
        var writer = HTMLWriter()
        writer.element("p", ["id": "x<y"]) {
            $0.element("code", text: "<i>")
            $0.raw("<br>")
        }
        writer.empty("rect", ["x": "1", "data-v": "'"])
        #expect(writer.html == "<p id=\"x&lt;y\"><code>&lt;i&gt;</code><br></p><rect x=\"1\" data-v=\"&#39;\"/>")
    }
}
