import AnalyzerCore
@testable import HTTP1Parser
import Testing

/// A request whose target is spelled as the last request's gets that string again
/// (`DirectionParser`'s `lastTarget`): every target read is the one decoding gives, whatever the
/// targets before it, however the stream is cut.
@Suite struct RequestTargetReuseTests {
    /// Targets in a row: repeated, differing in the last byte or the length, empty-looking, non-ASCII
    /// (repaired when decoded), and longer than the longest kept, twice.
    private static let targets: [[UInt8]] = {
        let long = "/" + String(repeating: "l", count: DirectionParser.maxRememberedTargetBytes + 10)
        var list: [[UInt8]] = ["/upload/a.bin", "/upload/a.bin", "/upload/a.bim", "/upload/a.bin", "/upload/a.bi",
                               "/upload/a.bin", "*", "*", long, long, long + "x", "/upload/a.bin"].map { Array($0.utf8) }
        list.append([0x2F, 0xC3, 0xA9])  // "/é"
        list.append([0x2F, 0xC3, 0xA9])
        list.append([0x2F, 0xC3, 0xFF])  // invalid UTF-8: repaired
        list.append([0x2F, 0xC3, 0xFF])
        list.append([0x2F, 0xC3, 0xA9])
        return list
    }()

    private static var stream: [UInt8] {
        targets.flatMap { Array("GET ".utf8) + $0 + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8) }
    }

    /// The targets a parser reports for `stream` fed in pieces of `pieceSize` bytes.
    private static func targetsRead(pieceSize: Int) -> [String] {
        let harness = Harness()
        let bytes = stream
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + pieceSize)
            harness.clientBytes(Array(bytes[start..<end]))
            start = end
        }
        return harness.recorder.events.compactMap { event in
            if case .requestHead(_, let head) = event { return head.target }
            return nil
        }
    }

    @Test(arguments: [1, 7, 64, Int.max])
    func targetsAreDecodedAsEver(pieceSize: Int) {
        let expected = Self.targets.map { String(decoding: $0, as: UTF8.self) }
        #expect(Self.targetsRead(pieceSize: pieceSize) == expected)
    }
}
