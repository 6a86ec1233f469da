@testable import BITSAnalyzer
import Testing

/// The byte forms of the header-value helpers that the rules use instead of `String`s.
@Suite struct HeaderBytesTests {
    /// `text`'s UTF-8 in a buffer of its own, as ``HTTPHeaders/withValueBytes(_:_:)`` lends a value
    /// (a few bytes a check, never freed: the helpers under test take buffers).
    static func bytes(_ text: String) -> UnsafeBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = buffer.initialize(from: text.utf8)
        return UnsafeBufferPointer(buffer)
    }

    @Test("compared without ASCII case, any literal length (a one-character literal too)")
    func caseInsensitive() {
        #expect(Self.bytes("ACK").equalsIgnoringASCIICase("ack"))
        #expect(Self.bytes("Identity").equalsIgnoringASCIICase("identity"))
        #expect(!Self.bytes("acks").equalsIgnoringASCIICase("ack"))
        #expect(!Self.bytes("").equalsIgnoringASCIICase("a"))
        #expect(Self.bytes("A").equalsIgnoringASCIICase("a"))
        #expect(!Self.bytes("\u{00C4}").equalsIgnoringASCIICase("\u{00E4}"), "only ASCII letters fold")
    }

    /// The comparison goes eight bytes at a time, then byte by byte: every pair of bytes, in a
    /// word and in the tail, must compare as the byte-wise ASCII folding says.
    @Test("compared a word at a time as byte by byte, for every pair of bytes in a word and in the tail")
    func caseInsensitiveWordsAgreeWithBytes() {
        let base = Array("{7DF0354D-249B-430F-820D-3D2A9BEF4931}".utf8)
        var disagreeing: [(Int, UInt8, UInt8)] = []
        for position in [0, 5, 7, 33, 37] {
            for left in UInt8.min...UInt8.max {
                for right in UInt8.min...UInt8.max {
                    var mine = base, theirs = base
                    mine[position] = left
                    theirs[position] = right
                    let expected = String.lowerASCII(left) == String.lowerASCII(right)
                    let found = mine.withUnsafeBufferPointer { a in
                        theirs.withUnsafeBufferPointer { b in String.equalIgnoringASCIICase(a, b) }
                    }
                    if found != expected { disagreeing.append((position, left, right)) }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5))")
        #expect(Self.bytes("{7df0354d-249b-430f-820d-3d2a9bef4931}").equalsIgnoringASCIICase(
            "{7DF0354D-249B-430F-820D-3D2A9BEF4931}"))
        #expect(FramingRules.isBracedGUID("{7df0354d-249b-430f-820d-3d2a9bef4931}"))
        #expect(!FramingRules.isBracedGUID("{7df0354d-249b-430f-820d-3d2a9bef493g}"))
        #expect(!FramingRules.isBracedGUID("7df0354d-249b-430f-820d-3d2a9bef4931"))
    }

    @Test("prefixes keep their case; trimming takes spaces and tabs only")
    func prefixAndTrim() {
        #expect(Self.bytes("Microsoft BITS/7.8").hasPrefix("Microsoft BITS/"))
        #expect(!Self.bytes("microsoft bits/7.8").hasPrefix("Microsoft BITS/"))
        #expect(!Self.bytes("Micro").hasPrefix("Microsoft BITS/"))
        #expect(Self.bytes("x").hasPrefix("x"))
        #expect(Self.bytes("").hasPrefix("") && Self.bytes("x").hasPrefix("") && !Self.bytes("").hasPrefix("x"))
        #expect(Array(Self.bytes(" \t ack \t").trimmingASCIIWhitespace()) == Array("ack".utf8))
        #expect(Self.bytes(" \t ").trimmingASCIIWhitespace().isEmpty)
    }

    @Test("pieces between separators, empty ones skipped, stopped when asked")
    func pieces() {
        var seen: [String] = []
        let finished = Self.bytes(",a,, b ,").forEachPiece(separatedBy: { $0 == UInt8(ascii: ",") }) {
            seen.append(String(decoding: $0, as: UTF8.self))
            return true
        }
        #expect(finished && seen == ["a", " b "])
        let stopped = Self.bytes("a,b,c").forEachPiece(separatedBy: { $0 == UInt8(ascii: ",") }) { $0.first != UInt8(ascii: "b") }
        #expect(!stopped)
    }

    @Test("packet types read from bytes match those read from strings")
    func packetTypes() {
        for text in ["Ack", " create-session ", "FRAGMENT", "Close-Session", "cancel-session", "ping", "Bogus", ""] {
            #expect(BITSPacketType(headerBytes: Self.bytes(text)) == BITSPacketType(headerValue: text), "\(text)")
        }
        #expect(BITSPacketType(headerBytes: Self.bytes(" Bogus ")) == .unknown("Bogus"))
        #expect(BITSPacketType.isAck(Self.bytes(" ACK ")) && !BITSPacketType.isAck(nil) && !BITSPacketType.isAck(Self.bytes("ack2")))
    }

    @Test("an encoding list is identity only when every coding is identity (or empty)")
    func identityOnly() {
        #expect(FramingRules.onlyIdentity(Self.bytes("identity, Identity;q=0.5, ")))
        #expect(!FramingRules.onlyIdentity(Self.bytes("identity, gzip")))
        #expect(FramingRules.onlyIdentity(Self.bytes("")))
    }
}
