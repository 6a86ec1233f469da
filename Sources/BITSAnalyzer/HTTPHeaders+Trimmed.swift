import HTTP1Parser

extension HTTPHeaders {
    /// The first field called `name`'s value without surrounding spaces and tabs (as
    /// `self[name]?.trimmingASCIIWhitespace()` gives it), decoded once: no `String` made only to be
    /// trimmed. `nil` when there is none.
    func trimmedValue(_ name: HTTPFieldName) -> String? { withValueBytes(name, Self.trimmed) }

    /// ``trimmedValue(_:)-(HTTPFieldName)`` for any name.
    func trimmedValue(_ name: String) -> String? { Self.trimmed(valueBytes(name)) }

    /// Whether `byte` is a blank a value is trimmed of (space or tab).
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// `bytes` as a string without leading or trailing blanks (`nil` for an absent value).
    static func trimmed<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes?) -> String? {
        guard let bytes else { return nil }
        // Parsed values arrive trimmed: decoded as they are. Others keep the String trim, whose
        // rules differ from a byte trim's where a blank joins a combining mark into one Character.
        if bytes.first.map(isBlank) == true || bytes.last.map(isBlank) == true {
            return String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
