import AnalyzerCore
@testable import BITSAnalyzer
import HTTP1Parser
import Testing
import TestSupport

/// Strings handed out again by ``RecentStrings`` are, byte for byte, the strings the values would
/// have been made into (`String(decoding:as:)`), whatever was kept before.
@Suite struct RecentStringsTests {
    /// The UTF-8 bytes of what `recent` gives for `bytes`, and of the string made anew.
    static func both(_ bytes: [UInt8], _ recent: inout RecentStrings) -> (reused: [UInt8], made: [UInt8]) {
        let reused = bytes.withUnsafeBufferPointer { recent.string($0) }
        return (Array(reused.utf8), Array(String(decoding: bytes, as: UTF8.self).utf8))
    }

    /// Values that are equal as Strings but not as bytes (canonical equivalents), that collide in
    /// length and ending, junk that is not UTF-8, blanks, empty, and values past the kept length.
    static func samples() -> [[UInt8]] {
        var samples: [[UInt8]] = [
            [], [0x20], Array("e\u{301}".utf8), Array("\u{E9}".utf8), Array("bits.example".utf8), Array("BITS.EXAMPLE".utf8),
            Array("{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}".utf8), Array("{9cebe8a6-d050-4d01-92a7-64fb66abc9cf}".utf8),
            Array("{7df0354d-249b-430f-820d-3d2a9bef4931}".utf8), [0xFF], [0xC3], [0xC3, 0xA9], [0xEF, 0xBF, 0xBD],
            [0x41, 0xFF, 0x42], [0x41, 0xEF, 0xBF, 0xBD, 0x42], Array(repeating: 0x61, count: RecentStrings.maxBytes),
            Array(repeating: 0x61, count: RecentStrings.maxBytes + 1),
        ]
        var generator = SplitMix(seed: 9)
        let alphabet: [UInt8] = [0x61, 0x62, 0x7D, 0x20, 0x09, 0xFF, 0xC3, 0xA9, 0x80, 0x00, 0x2D]
        for _ in 0..<5_000 {
            samples.append((0..<Int.random(in: 0...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        return samples
    }

    @Test("every value, in any order, is the string made from its bytes")
    func reusedAreMade() {
        var recent = RecentStrings()
        var disagreeing: [[UInt8]] = []
        for round in 0..<2 {
            for sample in round == 0 ? Self.samples() : Self.samples().reversed() {
                let (reused, made) = Self.both(sample, &recent)
                if reused != made { disagreeing.append(sample) }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(5))")
    }

    @Test("every byte value at every position of a kept GUID gives its own string")
    func everyByteAtEveryPosition() {
        let guid = Array("{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}".utf8)
        var recent = RecentStrings()
        var disagreeing: [(Int, UInt8)] = []
        for position in guid.indices {
            for value in UInt8.min...UInt8.max {
                _ = Self.both(guid, &recent)
                var changed = guid
                changed[position] = value
                let (reused, made) = Self.both(changed, &recent)
                if reused != made { disagreeing.append((position, value)) }
                // The GUID itself again, after its neighbour may have taken its slot.
                let (again, original) = Self.both(guid, &recent)
                if again != original { disagreeing.append((position, value)) }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(5))")
    }

    @Test("header values through the cache are what the look-ups without it give", arguments: HeaderFastPathTests.trimSamples)
    func headerValues(value: String) {
        let headers = HTTPHeaders([HTTPHeaderField(name: "BITS-Session-Id", value: value),
                                   HTTPHeaderField(name: "Host", value: value)])
        var recent = RecentStrings()
        for _ in 0..<2 {
            let trimmed = headers.trimmedValue(.bitsSessionID, reusing: &recent)
            #expect(trimmed.map { Array($0.utf8) } == headers.trimmedValue(.bitsSessionID).map { Array($0.utf8) })
            #expect(headers.sharedValue(.host, reusing: &recent).map { Array($0.utf8) } == headers[.host].map { Array($0.utf8) })
            #expect(headers.sharedValue(.contentName, reusing: &recent) == nil)
            #expect(headers.trimmedValue(.bitsProtocol, reusing: &recent) == nil)
        }
    }
}

/// The protocol list shared between Create-Sessions offering the same bytes is the list the value
/// (decoded as `String(decoding:as:)` makes it) splits into, whatever value came before.
@Suite struct OfferedProtocolsTests {
    static let values: [[UInt8]?] = [
        nil, "", "{7df0354d-249b-430f-820d-3d2a9bef4931}", "{7DF0354D-249B-430F-820D-3D2A9BEF4931}",
        "{7df0354d-249b-430f-820d-3d2a9bef4931} {11111111-2222-3333-4444-555555555555}", "a,b", "a, b", " , ", "e\u{301}",
        "\u{E9}", "\u{E9},e\u{301}", "\u{FFFD}",
    ].map { $0.map { Array($0.utf8) } } + [[0xFF], [0x61, 0xC3], [0xC3, 0x2C, 0x61]]

    @Test("offered protocols are the split value after any other value")
    func sharedListIsSplit() {
        let tracker = BITSSessionTracker(findings: FindingCollector())
        var disagreeing: [([UInt8]?, [UInt8]?)] = []
        for previous in Self.values {
            for value in Self.values {
                for asked in [previous, value, value] {
                    let shared = asked.map { bytes in bytes.withUnsafeBufferPointer { tracker.offeredProtocols($0) } }
                        ?? tracker.offeredProtocols(nil)
                    let split = BITSSessionTracker.protocolList(asked.map { String(decoding: $0, as: UTF8.self) })
                    if shared.map({ Array($0.utf8) }) != split.map({ Array($0.utf8) }) { disagreeing.append((previous, asked)) }
                }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(5))")
    }
}
