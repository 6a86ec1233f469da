/// Matching a BITS-Reply-URL against the GETs of the capture (reference §5 #52: resolve relative
/// paths against the upload URL's directory and turn `\` into `/`).
enum ReplyURL {
    /// The path a reply URL names, resolved against the upload URL and normalised.
    static func resolve(_ reply: String, against uploadURL: String) -> String {
        let path = normalizedPath(reply)
        if reply.hasPrefix("/") || reply.hasPrefix("\\") || reply.contains("://") { return path }
        let upload = normalizedPath(uploadURL)
        let directory = upload.lastIndex(of: "/").map { String(upload[...$0]) } ?? "/"
        return directory + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
    }

    /// A URL or path reduced to its path: scheme and authority removed, query dropped, `\` turned
    /// into `/`, percent-escapes decoded, lower-cased (IIS paths are case-insensitive).
    static func normalizedPath(_ url: String) -> String {
        var text = url.replacingBackslashes()
        if let authority = text.indexAfterSchemeSeparator() {
            let rest = text[authority...]
            text = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
        return percentDecoded(text).lowercased()
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        String(map { $0 == "\\" ? "/" : $0 })
    }

    /// The index just after the first `://`, if there is one.
    fileprivate func indexAfterSchemeSeparator() -> Index? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix("://") { return self.index(index, offsetBy: 3) }
            index = self.index(after: index)
        }
        return nil
    }
}
