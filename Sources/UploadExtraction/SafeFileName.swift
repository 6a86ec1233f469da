/// Makes file names for extracted uploads out of hostile wire values (session IDs, Content-Name,
/// URLs).
///
/// A name is `{session id}-{base}`, the base being the last component of Content-Name or, without
/// one, of the URL's path (percent-decoded). Both parts keep only ASCII letters, digits and
/// `. _ - { } + = @ ~ ( ) ,`; any run of other characters (separators, control characters, NUL,
/// spaces, non-ASCII) becomes one `_`, runs of dots become one dot, leading dots and dashes and
/// trailing dots and `_` are removed, so a name is never `.`, `..`, hidden, option-like or more than
/// one path component. A short clean extension (`.zip`) is kept apart and survives cutting. The
/// session ID part is at most 64 bytes and the whole name at most 120 before the collision number
/// (`-1`, `-2`, … before the extension) and the `.partial` suffix.
public enum SafeFileName {
    /// Bytes of the name before the collision number and `.partial`.
    public static let maxNameBytes = 120
    /// Bytes of the session ID part.
    public static let maxIDBytes = 64
    /// Bytes of an extension (with its dot) kept apart when the name is shortened.
    static let maxExtensionBytes = 16
    /// The suffix of files the server did not acknowledge whole (or the capture did not show whole).
    public static let partialSuffix = ".partial"

    /// A session's name, split where a collision number goes: `stem` then `extension`.
    public struct Parts: Hashable, Sendable {
        /// Everything before the extension: `{id}-{base without extension}`.
        public var stem: String
        /// The base's extension with its dot (`.zip`), or empty.
        public var fileExtension: String

        /// The name for the `attempt`-th try (0: no number), with `.partial` when `partial`.
        public func name(attempt: Int, partial: Bool) -> String {
            stem + (attempt > 0 ? "-\(attempt)" : "") + fileExtension + (partial ? SafeFileName.partialSuffix : "")
        }
    }

    /// The name parts for a session. `sessionNumber` (1-based) names sessions without an ID.
    public static func parts(sessionID: String?, sessionNumber: Int, contentName: String?, url: String) -> Parts {
        let id = sessionID.map { sanitize($0, maxBytes: maxIDBytes) } ?? ""
        let head = id.isEmpty ? "session-\(sessionNumber)" : id
        // The extension is taken from the raw name first, so that cutting a long name keeps it; it
        // counts only when it is short and made of allowed characters alone.
        var raw = baseName(contentName: contentName, url: url)
        var fileExtension = ""
        if let dot = raw.lastIndex(of: "."), dot != raw.startIndex {
            let candidate = String(raw[raw.index(after: dot)...])
            if !candidate.isEmpty, candidate.utf8.count < maxExtensionBytes,
               sanitize(candidate, maxBytes: maxExtensionBytes) == candidate {
                fileExtension = "." + candidate
                raw = String(raw[..<dot])
            }
        }
        var base = sanitize(raw, maxBytes: maxNameBytes)
        if base.isEmpty { base = "upload" }
        var stem = head + "-" + base
        let room = maxNameBytes - fileExtension.utf8.count
        if stem.utf8.count > room { stem = String(stem.prefix(room)) }  // ASCII: characters are bytes
        return Parts(stem: stem, fileExtension: fileExtension)
    }

    /// The last non-empty component of Content-Name (split at `/` and `\`) or, without a usable one,
    /// of the URL's path (query and fragment dropped, scheme and authority dropped, percent-decoded).
    static func baseName(contentName: String?, url: String) -> String {
        if let contentName, let last = lastComponent(Substring(contentName)) { return last }
        var path = Substring(url)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        if let schemeEnd = endOfScheme(path) {
            let afterScheme = path[schemeEnd...]
            path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? ""
        }
        return lastComponent(path).map(percentDecoded) ?? ""
    }

    /// The index just past the first `://` of `text`, if it has one.
    private static func endOfScheme(_ text: Substring) -> Substring.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix("://") { return text.index(index, offsetBy: 3) }
            index = text.index(after: index)
        }
        return nil
    }

    /// The last non-empty component separated by `/` or `\`.
    private static func lastComponent(_ text: Substring) -> String? {
        text.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init)
    }

    /// `%XX` sequences decoded to bytes; anything else kept. Decoded bytes that are not UTF-8 become
    /// U+FFFD, which ``sanitize(_:maxBytes:)`` then replaces.
    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
               let high = hexValue(input[input.startIndex]), let low = hexValue(input[input.startIndex + 1]) {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Whether `byte` may appear in a name as it is.
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "@"),
             UInt8(ascii: "~"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","):
            return true
        default:
            return false
        }
    }

    /// `text` reduced to allowed characters (see the type's description), at most `maxBytes` bytes;
    /// may be empty.
    static func sanitize(_ text: String, maxBytes: Int) -> String {
        var out: [UInt8] = []
        var replacing = false
        for scalar in text.unicodeScalars {
            guard out.count <= maxBytes else { break }  // enough to cut at maxBytes below
            let byte = scalar.isASCII ? UInt8(scalar.value) : 0  // NUL is never allowed
            if isAllowed(byte) {
                replacing = false
                // No hidden or option-like names: nothing starts with a dot or a dash.
                if out.isEmpty, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") { continue }
                if byte == UInt8(ascii: "."), out.last == UInt8(ascii: ".") { continue }  // never `..`
                out.append(byte)
            } else if !replacing {
                replacing = true
                if !out.isEmpty { out.append(UInt8(ascii: "_")) }  // `../x` gives `x`, not `_x`
            }
        }
        if out.count > maxBytes { out.removeLast(out.count - maxBytes) }
        while out.last == UInt8(ascii: ".") || out.last == UInt8(ascii: "_") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `name` is one plain path component: not empty, at most 255 bytes, no `/` or NUL, not
    /// `.` or `..`.
    public static func isSingleComponent(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return !bytes.isEmpty && bytes.count <= 255 && !bytes.contains(UInt8(ascii: "/")) && !bytes.contains(0)
            && name != "." && name != ".."
    }
}
