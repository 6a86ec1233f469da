@testable import HTTP1Parser
import TestSupport
import Testing

/// The start-line parser, which reads the bytes in place, against the Collection-algorithm reading
/// it replaced (kept here as the reference), on lines with every byte value at every position.
@Suite struct StartLineParserTests {
    // MARK: - The reference: the parser as it was

    private static func referenceRequestLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool) -> String? {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let lastSpace = line.lastIndex(of: ASCII.space),
              firstSpace > line.startIndex,
              lastSpace > firstSpace + 1
        else { return nil }
        let method = line.startIndex..<firstSpace
        let target = (firstSpace + 1)..<lastSpace
        guard line[method].allSatisfy(ASCII.isTokenCharacter),
              !line[target].contains(where: ASCII.isControl),
              let version = referenceVersion(line[(lastSpace + 1)...]),
              !requireMajorVersion1 || version.major == 1
        else { return nil }
        return "\(method) \(target) \(version)"
    }

    private static func referenceStatusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool) -> String? {
        let start = line.startIndex
        guard line.count >= 12,
              let version = referenceVersion(line[start..<(start + 8)]),
              !requireMajorVersion1 || version.major == 1,
              line[start + 8] == ASCII.space
        else { return nil }
        var status = 0
        for byte in line[(start + 9)..<(start + 12)] {
            guard let digit = ASCII.decimalValue(byte) else { return nil }
            status = status * 10 + Int(digit)
        }
        let rest = line[(start + 12)...]
        guard !rest.contains(where: ASCII.isControl) else { return nil }
        if let first = rest.first, first != ASCII.space { return nil }
        let reason = ASCII.trimmingWhitespace(rest)
        return "\(version) \(status) \(reason.startIndex..<reason.endIndex)"
    }

    private static func referenceVersion(_ bytes: ArraySlice<UInt8>) -> HTTPVersion? {
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)) else { return nil }
        let start = bytes.startIndex
        guard let major = ASCII.decimalValue(bytes[start + 5]),
              bytes[start + 6] == ASCII.dot,
              let minor = ASCII.decimalValue(bytes[start + 7])
        else { return nil }
        return HTTPVersion(major: Int(major), minor: Int(minor))
    }

    private static func requestLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool) -> String? {
        StartLineParser.requestLine(line, requireMajorVersion1: requireMajorVersion1).map { "\($0.method) \($0.target) \($0.version)" }
    }

    private static func statusLine(_ line: ArraySlice<UInt8>, requireMajorVersion1: Bool) -> String? {
        StartLineParser.statusLine(line, requireMajorVersion1: requireMajorVersion1).map { "\($0.version) \($0.status) \($0.reason)" }
    }

    // MARK: - Comparisons

    /// Each line, every byte value at every position, and every prefix of it, as a slice that
    /// starts past index 0 (as the accumulator's lines do when blank lines came first), with and
    /// without `requireMajorVersion1`: both parsers agree, parts and all.
    private static func compare(_ lines: [String], _ parse: (ArraySlice<UInt8>, Bool) -> String?,
                                _ reference: (ArraySlice<UInt8>, Bool) -> String?) -> (Int, [String]) {
        var compared = 0
        var disagreeing: [String] = []
        func check(_ line: [UInt8]) {
            let padded = [0x0A, 0x20] + line + [0x0A]
            let slice = padded[2..<(padded.count - 1)]
            for requireMajorVersion1 in [false, true]
            where parse(slice, requireMajorVersion1) != reference(slice, requireMajorVersion1) {
                disagreeing.append("\(line) \(requireMajorVersion1)")
            }
            compared += 1
        }
        for line in lines { ByteVariants.forEach(of: Array(line.utf8), check) }
        return (compared, disagreeing)
    }

    @Test func requestLinesAgreeWithTheReference() {
        let lines = ["BITS_POST /upload/x.bin HTTP/1.1", "GET / HTTP/1.0", "M-SEARCH * HTTP/2.0", "GET /a b HTTP/1.1",
                     "GET  /a  HTTP/1.1", "GET  HTTP/1.1", "G / HTTP/1.1", "GET /x HTTP/1.1 ", " GET / HTTP/1.1", "GET\t/ HTTP/1.1"]
        let (compared, disagreeing) = Self.compare(lines, Self.requestLine, Self.referenceRequestLine)
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(compared > 40_000)
    }

    @Test func statusLinesAgreeWithTheReference() {
        let lines = ["HTTP/1.1 200 OK", "HTTP/1.1 201", "HTTP/1.0 416 Requested Range Not Satisfiable",
                     "HTTP/1.1 200  \t OK  \t", "HTTP/2.0 101 Switching", "HTTP/1.1 200\tOK"]
        let (compared, disagreeing) = Self.compare(lines, Self.statusLine, Self.referenceStatusLine)
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(compared > 30_000)
    }
}
