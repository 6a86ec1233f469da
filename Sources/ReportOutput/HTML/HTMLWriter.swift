/// Writes HTML (and inline SVG) that is escaped by default: text and attribute values always go
/// through ``HTMLText/escape(_:)``; tag and attribute names are string literals (`StaticString`), so
/// no value from the wire can name one. The one exception is ``raw(_:)``, for markup and assets
/// written in this module (style sheet, script, fixed fragments), never for a value from a capture.
public struct HTMLWriter {
    /// The markup written so far.
    public private(set) var html = ""

    /// An empty writer.
    public init() {}

    /// An attribute's name (a literal) and value (escaped; `nil` leaves the attribute out).
    public typealias Attributes = KeyValuePairs<StaticString, String?>

    /// Writes `text`, escaped, as element content.
    public mutating func text(_ text: String) { html += HTMLText.escape(text) }

    /// Writes `markup` as it is: the explicit exception to escaping, for trusted markup and assets
    /// written in this module only.
    public mutating func raw(_ markup: String) { html += markup }

    /// Writes a start tag `<tag a="v" …>`, each value escaped.
    public mutating func start(_ tag: StaticString, _ attributes: Attributes = [:]) {
        html += "<\(tag)"
        writeAttributes(attributes)
        html += ">"
    }

    /// Writes an end tag `</tag>`.
    public mutating func end(_ tag: StaticString) { html += "</\(tag)>" }

    /// Writes a self-closed element `<tag a="v" …/>` (SVG shapes).
    public mutating func empty(_ tag: StaticString, _ attributes: Attributes = [:]) {
        html += "<\(tag)"
        writeAttributes(attributes)
        html += "/>"
    }

    /// Writes `<tag …>text</tag>`, the text escaped.
    public mutating func element(_ tag: StaticString, _ attributes: Attributes = [:], text: String) {
        start(tag, attributes)
        self.text(text)
        end(tag)
    }

    /// Writes `<tag …>`, what `content` writes, and `</tag>`.
    public mutating func element(_ tag: StaticString, _ attributes: Attributes = [:],
                                 content: (inout HTMLWriter) -> Void) {
        start(tag, attributes)
        content(&self)
        end(tag)
    }

    /// Appends what another writer wrote (escaped already).
    public mutating func append(_ other: HTMLWriter) { html += other.html }

    private mutating func writeAttributes(_ attributes: Attributes) {
        for (name, value) in attributes {
            guard let value else { continue }
            html += " \(name)=\"\(HTMLText.escape(value))\""
        }
    }
}
