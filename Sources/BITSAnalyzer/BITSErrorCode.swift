/// A `BITS-Error-Code` (or older `BITS-Error`) value: an HRESULT written in hex.
public struct BITSErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The HRESULT.
    public var value: UInt32

    /// Wraps an HRESULT.
    public init(_ value: UInt32) { self.value = value }

    /// Parses leniently, as the reference §4.5 advises: optional `0x` or `x` prefix, any case,
    /// surrounding spaces. Returns `nil` for anything that is not 1 to 8 hex digits.
    public init?(headerValue: String) {
        guard let parsed = Self.parseHex(headerValue) else { return nil }
        value = parsed
    }

    /// `0x8020001F`: eight upper-case hex digits.
    public var description: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The HRESULT's symbolic name where known, e.g. `BG_E_SESSION_NOT_FOUND`, `E_ACCESSDENIED`,
    /// `ERROR_WINHTTP_TIMEOUT`, or `BG_E_HTTP_ERROR_404` for 0x80190000 plus an HTTP status.
    public var name: String? {
        if let entry = Self.entry(for: value) { return entry.name }
        if let status = httpStatus { return "BG_E_HTTP_ERROR_\(status)" }
        return nil
    }

    /// A one-line meaning where the code is known, e.g. "the server answered HTTP 404 Not Found".
    public var meaning: String? {
        if let entry = Self.entry(for: value) { return entry.meaning }
        guard let status = httpStatus else { return nil }
        var text = "the server answered HTTP \(status)"
        if let phrase = HTTPStatusPhrase.phrase(for: status) { text += " " + phrase }
        if let note = HTTPStatusPhrase.bitsNote(for: status) { text += " (" + note + ")" }
        return text
    }

    /// For BG_E_HTTP_ERROR_<status> (0x80190000 plus a status of 100–599, how BITS reports an HTTP
    /// answer it could not use; reference §4.2), the status; otherwise `nil`.
    public var httpStatus: UInt32? {
        guard value >= Self.httpErrorBase + 100, value <= Self.httpErrorBase + 599 else { return nil }
        return value - Self.httpErrorBase
    }

    /// Whether the value means "no error" (`0`).
    public var isNoError: Bool { value == 0 }

    /// BG_E_SESSION_NOT_FOUND, the code that makes a client start over.
    public static let sessionNotFound = BITSErrorCode(0x8020_001F)

    /// The base of the BG_E_HTTP_ERROR_<status> family.
    public static let httpErrorBase: UInt32 = 0x8019_0000

    /// One named HRESULT of the table.
    public struct Entry: Sendable {
        /// The HRESULT.
        public let value: UInt32
        /// Its symbolic name.
        public let name: String
        /// What it means, in one line.
        public let meaning: String

        init(_ value: UInt32, _ name: String, _ meaning: String) {
            self.value = value
            self.name = name
            self.meaning = meaning
        }

        /// HRESULT_FROM_WIN32 of a Win32 (or WinHTTP) error code.
        init(win32 code: UInt32, _ name: String, _ meaning: String) {
            self.init(0x8007_0000 | (code & 0xFFFF), name, meaning)
        }
    }

    /// Every named HRESULT, sorted by value: BITS's own (`bitsmsg.h`), and the COM, Win32 and
    /// WinHTTP codes BITS reports. The computed BG_E_HTTP_ERROR_<status> family is not listed.
    public static let namedCodes: [Entry] = (bitsTable + windowsTable).sorted { $0.value < $1.value }

    /// The table entry for `value`, by binary search.
    static func entry(for value: UInt32) -> Entry? {
        let table = namedCodes
        var low = 0
        var high = table.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = table[middle].value
            if candidate == value { return table[middle] }
            if candidate < value { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// 1 to 8 hex digits after an optional `0x` or `x` (any case), surrounding white space ignored.
    static func parseHex(_ text: String) -> UInt32? {
        var digits = Substring(text.trimmingASCIIWhitespace())
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("x") || digits.hasPrefix("X") {
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.count <= 8, digits.utf8.allSatisfy(\.isASCIIHexDigit) else { return nil }
        return UInt32(digits, radix: 16)
    }
}

private extension UInt8 {
    var isASCIIHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
