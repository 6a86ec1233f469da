import AnalyzerCore
@testable import BITSAnalyzer
import HTTP1Parser
import Testing
import TestSupport

/// The byte-level readings of header values that replaced `String`-based ones give what the old
/// readings gave, on many inputs, odd ones included (case, white space, overflow, junk bytes).
@Suite struct HeaderFastPathTests {
    /// Content-Range values: well-formed ones in several spellings, and pieces of them put
    /// together at random with junk (non-UTF-8 bytes, signs, blanks, numbers past 64 bits).
    static func contentRangeSamples() -> [[UInt8]] {
        let units = ["bytes", "BYTES", "Bytes", "byte", "bytesx", "items", "", "bÿtes"]
        let separators = [" ", "=", "  ", "\t", "", ":"]
        let numbers = ["0", "1", "338", "339", "18446744073709551615", "18446744073709551616", "0000000000000000000000000000000000000001",
                       "00000000000000000000000000000000000000001", "", "+1", "-1", "1e3", " 7 ", "\t8", "*", "٣"]
        var samples: [[UInt8]] = []
        for unit in units {
            for separator in separators {
                for (first, last) in [("0", "338"), ("5", "5"), ("9", "1"), ("18446744073709551614", "18446744073709551615")] {
                    for total in ["339", "*", "18446744073709551616", "0"] {
                        samples.append(Array("\(unit)\(separator)\(first)-\(last)/\(total)".utf8))
                        samples.append(Array(" \t\(unit)\(separator) \(first) - \(last) / \(total) \t".utf8))
                    }
                }
            }
        }
        let pieces: [[UInt8]] = units.map { Array($0.utf8) } + separators.map { Array($0.utf8) } + numbers.map { Array($0.utf8) }
            + [[0x2D], [0x2F], [0x2C], [0xFF], [0xC2], [0xE2, 0x80], [0x00], [0x80], [0xEF, 0xBF, 0xBD], [0x09], [0x20]]
        var generator = SplitMix(seed: 42)
        for _ in 0..<20_000 {
            var sample: [UInt8] = []
            for _ in 0..<Int.random(in: 0...9, using: &generator) { sample += pieces.randomElement(using: &generator)! }
            samples.append(sample)
        }
        return samples
    }

    @Test("Content-Range read from bytes is what the String reading gave")
    func contentRangeFromBytes() {
        var disagreeing: [String] = []
        for sample in Self.contentRangeSamples() {
            let old = ContentRange(headerValue: String(decoding: sample, as: UTF8.self))
            if sample.withUnsafeBufferPointer(ContentRange.init(headerBytes:)) != old { disagreeing.append("\(sample)") }
            // A buffer lent from inside a head, as header values are.
            let padded = [0x41] + sample + [0x42]
            let lent = padded.withUnsafeBufferPointer { ContentRange(headerBytes: UnsafeBufferPointer(rebasing: $0[1..<($0.count - 1)])) }
            if lent != old { disagreeing.append("slice \(sample)") }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5))")
        #expect(Array("bytes 0-338/339".utf8).withUnsafeBufferPointer(ContentRange.init(headerBytes:))
            == ContentRange(first: 0, last: 338, total: 339))
    }

    /// Plain Content-Range spellings around the fast path's limits (19 and 20 digits, `UInt64.max`,
    /// leading zeros, `L < F`), each also cut at every index and with every byte changed.
    static let plainContentRanges = [
        "bytes 0-338/339", "bytes 0-0/0", "bytes 9-1/10", "bytes 9999999999999999999-9999999999999999999/9999999999999999999",
        "bytes 18446744073709551614-18446744073709551615/18446744073709551615", "bytes 00-01/002",
        "bytes 0000000000000000001-10000000000000000000/1", "bytes 1048576-2097151/73400320",
    ]

    @Test("the one-pass Content-Range reading gives what the general one gives, or leaves it to it")
    func plainContentRangeAgreesWithGeneral() {
        var disagreeing: [[UInt8]] = []
        var plainReadings = 0
        func check(_ sample: [UInt8]) {
            sample.withUnsafeBufferPointer { bytes in
                let general = ContentRange.generalParse(bytes)
                if let plain = ContentRange.plainParse(bytes) {
                    plainReadings += 1
                    if plain != general { disagreeing.append(sample) }
                }
                if ContentRange.parse(bytes) != general { disagreeing.append(sample) }
            }
        }
        for sample in Self.contentRangeSamples() { check(sample) }
        for value in Self.plainContentRanges { ByteVariants.forEach(of: Array(value.utf8), check) }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5).map { String(decoding: $0, as: UTF8.self) })")
        // The fast path is taken (not merely left to the general reading).
        #expect(plainReadings > 500)
    }

    @Test("a packet type read a word at a time is what the byte-by-byte reading gives, or left to it")
    func unpaddedPacketTypeAgreesWithAnySpelling() {
        var disagreeing: [[UInt8]] = []
        var wordReadings = 0
        func check(_ sample: [UInt8]) {
            sample.withUnsafeBufferPointer { bytes in
                let general = BITSPacketType(anySpelling: bytes)
                if let quick = BITSPacketType.unpaddedKnownType(bytes) {
                    wordReadings += 1
                    if quick != general { disagreeing.append(sample) }
                }
                if BITSPacketType(headerBytes: bytes) != general { disagreeing.append(sample) }
            }
        }
        let names = ["Ack", "Ping", "Fragment", "Close-Session", "Create-Session", "Cancel-Session"]
        for name in names {
            for spelling in [name, name.uppercased(), name.lowercased(), " \(name)", "\(name)\t", "\(name)x"] {
                ByteVariants.forEach(of: Array(spelling.utf8), check)
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5).map { String(decoding: $0, as: UTF8.self) })")
        #expect(wordReadings > 100)
    }

    @Test("only the upload protocol's GUID alone, as spelt, skips the offer's split")
    func uploadProtocolAloneAgreesWithSplit() {
        var disagreeing: [[UInt8]] = []
        var skipped = 0
        func check(_ sample: [UInt8]?) {
            let headers = sample.map { HTTPHeaders([HTTPHeaderField(name: "BITS-Supported-Protocols",
                                                                    value: String(decoding: $0, as: UTF8.self))]) }
                ?? HTTPHeaders()
            guard headers.withValueBytes(.bitsSupportedProtocols, FramingRules.isUploadProtocolAlone) else { return }
            skipped += 1
            var found: [RuleFinding] = []
            FramingRules.offeredProtocolsSplit(headers, into: &found)
            if !found.isEmpty { disagreeing.append(sample ?? []) }
        }
        check(nil)
        for value in ["{7df0354d-249b-430f-820d-3d2a9bef4931}", "{7DF0354D-249B-430F-820D-3D2A9BEF4931}", "", " ",
                      "{7df0354d-249b-430f-820d-3d2a9bef4931} {11111111-2222-3333-4444-555555555555}"] {
            ByteVariants.forEach(of: Array(value.utf8)) { check($0) }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5).map { String(decoding: $0, as: UTF8.self) })")
        #expect(skipped > 0)
    }

    /// Values around blanks: leading, trailing, inside, alone, next to combining marks and
    /// prepended characters (where a String trim and a byte trim part ways), non-ASCII text.
    static let trimSamples = [
        "", " ", "\t", " \t ", "x", " x", "x ", "\tx\t", " x y ", "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}",
        " {9cebe8a6-d050-4d01-92a7-64fb66abc9cf} ", " \u{301}x", "x \u{301}", "x\u{600} ", "\u{600} x", " é ", "\u{FEFF} x ",
        "\r x \r", "a\u{200D} ", " \u{1F469}\u{200D}\u{1F4BB} ", "\u{0}", " \u{0} ",
    ]

    @Test("trimmed header values are what trimming the String gave", arguments: trimSamples)
    func trimmedValues(value: String) {
        let headers = HTTPHeaders([HTTPHeaderField(name: "BITS-Session-Id", value: value)])
        #expect(headers.trimmedValue("BITS-Session-Id") == headers["BITS-Session-Id"]?.trimmingASCIIWhitespace())
        #expect(headers.trimmedValue("bits-session-id") == headers["bits-session-id"]?.trimmingASCIIWhitespace())
        #expect(headers.trimmedValue("BITS-Protocol") == nil)
    }

    /// The session-ID findings of a Create-Session Ack as the rule made them before the braced-GUID
    /// fast path: from the trimmed `String`.
    static func oldSessionIDFindings(_ value: String?) -> [String] {
        guard let id = value?.trimmingASCIIWhitespace(), !id.isEmpty else { return [] }
        if id.utf8.count > 100 { return ["session ID of \(id.utf8.count) characters (limit 100)"] }
        if !FramingRules.isBracedGUID(id) { return ["session ID \(FramingRules.quoted(id)) is not a braced GUID"] }
        return []
    }

    static let sessionIDSamples: [String?] = [
        nil, "", " ", "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}", "{9cebe8a6-d050-4d01-92a7-64fb66abc9cf}",
        " {9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}", "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}\t", "9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF",
        "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CG}", "{9CEBE8A6_D050-4D01-92A7-64FB66ABC9CF}", "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9C}",
        "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CFF}", "12345", String(repeating: "a", count: 100), String(repeating: "a", count: 101),
        String(repeating: "é", count: 51), "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9Cé}", " \u{301}{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}",
    ]

    @Test("a Create-Session Ack's session ID is judged as the String reading judged it", arguments: sessionIDSamples)
    func createAckSessionID(value: String?) {
        var headers: HTTPHeaders = ["BITS-Packet-Type": "Ack", "Content-Length": "0", "Pragma": "no-cache"]
        if let value { headers.append(name: "BITS-Session-Id", value: value) }
        let head = HTTPResponseHead(version: .http11, status: 200, reason: "OK", headers: headers, headBytes: 100)
        let record = BITSRequestRecord(type: .createSession, method: "BITS_POST", url: "/u", host: nil, time: .zero, connection: 1)
        let found = FramingRules.answer(head, record: record, time: .zero, requestEnd: .zero, success: true,
                                        firstOnConnection: false, partialClose: false)
        #expect(found.filter { $0.kind == .malformedSessionID }.map(\.message) == Self.oldSessionIDFindings(value))
    }

    /// The lower-case literals compared against with ``equalsIgnoringASCIICase(lowercase:)``.
    static let lowercaseLiterals: [StaticString] = ["ack", "ping", "fragment", "close-session", "create-session",
                                                    "cancel-session", "identity", "no-cache", ""]

    @Test("comparing with a lower-case literal is the case-blind comparison, on many spellings and junk")
    func lowercaseLiteralComparison() {
        var generator = SplitMix(seed: 11)
        var disagreeing: [String] = []
        for literal in Self.lowercaseLiterals {
            let text = literal.withUTF8Buffer { Array($0) }
            var samples: [[UInt8]] = [text, text.map { $0 & ~0x20 }, text + [0x20], [0x20] + text, Array(text.dropLast()), []]
            for _ in 0..<2_000 {
                // Each byte kept, case-flipped, or replaced by a byte that folds close to it (@, [, `, {, non-ASCII).
                samples.append(text.map { byte in
                    switch UInt8.random(in: 0...5, using: &generator) {
                    case 0: byte ^ 0x20
                    case 1: [0x40, 0x5B, 0x60, 0x7B, 0xC1, 0xE1, 0x00].randomElement(using: &generator)!
                    default: byte
                    }
                })
            }
            for sample in samples {
                let padded = [0x41] + sample
                let agree = padded.withUnsafeBufferPointer { whole in
                    let lent = UnsafeBufferPointer(rebasing: whole[1...])
                    return lent.equalsIgnoringASCIICase(lowercase: literal) == lent.equalsIgnoringASCIICase(literal)
                }
                if !agree { disagreeing.append("\(literal) \(sample)") }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(5))")
        #expect(HeaderBytesTests.bytes("Create-Session").equalsIgnoringASCIICase(lowercase: "create-session"))
        #expect(!HeaderBytesTests.bytes("Create-Sessiom").equalsIgnoringASCIICase(lowercase: "create-session"))
    }
}

/// The unit check of a Content-Range read by index is the zip over the literal it replaced, for
/// every byte value at every position of `bytes` in both cases, and for shorter and longer runs.
@Suite struct ContentRangeUnitTests {
    static func zipped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        zip(bytes, "bytes".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    @Test("every byte at every position of the unit")
    func everyByteEveryPosition() {
        var disagreeing: [[UInt8]] = []
        for base in ["bytes", "BYTES", "bYtEs"].map({ Array($0.utf8) }) {
            for length in 0...7 {
                let sample = Array((base + [0x20, 0x30]).prefix(length))
                for position in sample.indices {
                    for value in UInt8.min...UInt8.max {
                        var changed = sample
                        changed[position] = value
                        let (indexed, zipped) = changed.withUnsafeBufferPointer { (ContentRange.isBytesUnit($0), Self.zipped($0)) }
                        if indexed != zipped { disagreeing.append(changed) }
                    }
                }
                if sample.withUnsafeBufferPointer({ ContentRange.isBytesUnit($0) != Self.zipped($0) }) { disagreeing.append(sample) }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(5))")
    }
}

/// Whether a request is BITS, with the `==` fast path on the method, is what the case-insensitive
/// comparison alone said: every byte at every position of `BITS_POST`, case variants, non-ASCII
/// look-alikes, with and without BITS-Packet-Type.
@Suite struct BITSMethodTests {
    static func methods() -> [String] {
        let base = Array("BITS_POST".utf8)
        var methods = ["BITS_POST", "bits_post", "Bits_Post", "BITS_POS", "BITS_POSTX", "", "POST", "BITS\u{2010}POST", "B\u{301}ITS_POST"]
        for position in base.indices {
            for value in UInt8.min...UInt8.max {
                var changed = base
                changed[position] = value
                methods.append(String(decoding: changed, as: UTF8.self))
            }
        }
        return methods
    }

    @Test("BITS requests told by the method as before")
    func sameAsCaseInsensitive() {
        var disagreeing: [String] = []
        for method in Self.methods() {
            for fields in [[], [HTTPHeaderField(name: "BITS-Packet-Type", value: "Ping")]] {
                let head = HTTPRequestHead(method: method, target: "/", version: .http11, headers: HTTPHeaders(fields), headBytes: 0)
                let old = method.equalsIgnoringASCIICase("BITS_POST") || head.headers.contains(.bitsPacketType)
                if BITSConnectionAnalyzer.isBITS(head) != old { disagreeing.append(method) }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(5))")
    }
}

/// The braced-GUID check by table is the check by position it replaced: every byte value at every
/// position of a GUID in both cases, and shorter and longer values.
@Suite struct BracedGUIDTests {
    static func byPosition(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 38, bytes[0] == UInt8(ascii: "{"), bytes[37] == UInt8(ascii: "}") else { return false }
        for index in 1..<37 {
            let byte = bytes[index]
            if index == 9 || index == 14 || index == 19 || index == 24 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20) else { return false }
            }
        }
        return true
    }

    @Test("every byte at every position of a GUID")
    func everyByteEveryPosition() {
        var disagreeing: [[UInt8]] = []
        for guid in ["{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}", "{7df0354d-249b-430f-820d-3d2a9bef4931}"].map({ Array($0.utf8) }) {
            for sample in [guid, Array(guid.dropLast()), guid + [0x7D], Array(guid.dropFirst())] {
                for position in sample.indices {
                    for value in UInt8.min...UInt8.max {
                        var changed = sample
                        changed[position] = value
                        if changed.withUnsafeBufferPointer(FramingRules.isBracedGUID) != Self.byPosition(changed) {
                            disagreeing.append(changed)
                        }
                    }
                }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(3))")
        #expect(Array("{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}".utf8).withUnsafeBufferPointer(FramingRules.isBracedGUID))
    }
}
