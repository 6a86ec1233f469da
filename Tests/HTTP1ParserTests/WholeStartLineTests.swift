@testable import HTTP1Parser
import TestSupport
import Testing

/// A whole start line found in the input (``HeadAccumulator/wholeStartLine(_:from:kind:maxBytes:)``)
/// is read without the scans that finding it already made (the method's token bytes, control
/// bytes): on lines with every byte value at every position, and every prefix, that reading gives
/// the parts the full parser gives.
@Suite struct WholeStartLineTests {
    /// For each line ending in CRLF and in LF, at an offset in a larger input, with every byte value
    /// at every position and cut at every length: how many `wholeStartLine` took, and those whose shortcut reading disagrees with the
    /// full parser (with and without `requireMajorVersion1`).
    private static func compare(_ lines: [String], kind: StartLineSniffer.Kind) -> (taken: Int, disagreeing: [String]) {
        var taken = 0
        var disagreeing: [String] = []
        func check(_ line: [UInt8]) {
            for ending in [[ASCII.carriageReturn, ASCII.lineFeed], [ASCII.lineFeed]] {
                let input = [0x41, 0x0A] + line + ending + Array("Host: x\r\n".utf8)
                input.withUnsafeBytes { raw in
                    guard let found = HeadAccumulator.wholeStartLine(raw, from: 2, kind: kind, maxBytes: 1_000) else { return }
                    taken += 1
                    let text = UnsafeRawBufferPointer(rebasing: raw[2..<found.contentEnd]).assumingMemoryBound(to: UInt8.self)
                    let slice = input[2..<found.contentEnd]
                    for requireMajorVersion1 in [false, true] {
                        let fast: String?
                        let full: String?
                        switch kind {
                        case .request:
                            fast = StartLineParser.requestLine(text, methodEnd: found.methodEnd, requireMajorVersion1: requireMajorVersion1)
                                .map { "\($0.method.lowerBound + 2)..<\($0.method.upperBound + 2) \($0.target.lowerBound + 2)..<\($0.target.upperBound + 2) \($0.version)" }
                            full = StartLineParser.requestLine(slice, requireMajorVersion1: requireMajorVersion1)
                                .map { "\($0.method) \($0.target) \($0.version)" }
                        case .status:
                            fast = StartLineParser.statusLine(text, withoutControlBytes: true, prefixChecked: true,
                                                              requireMajorVersion1: requireMajorVersion1)
                                .map { "\($0.version) \($0.status) \($0.reason.lowerBound + 2)..<\($0.reason.upperBound + 2)" }
                            full = StartLineParser.statusLine(slice, requireMajorVersion1: requireMajorVersion1)
                                .map { "\($0.version) \($0.status) \($0.reason)" }
                        }
                        if fast != full { disagreeing.append("\(line) \(requireMajorVersion1): \(fast ?? "nil") vs \(full ?? "nil")") }
                    }
                }
            }
        }
        for line in lines { ByteVariants.forEach(of: Array(line.utf8), check) }
        return (taken, disagreeing)
    }

    @Test func requestLinesReadInPlaceAgreeWithTheParser() {
        let lines = ["BITS_POST /upload/x.bin HTTP/1.1", "GET / HTTP/1.0", "M-SEARCH * HTTP/2.0", "GET /a b HTTP/1.1",
                     "GET  /a  HTTP/1.1", "GET  HTTP/1.1", "G / HTTP/1.1", "GET /x HTTP/1.1 ", "GET\t/ HTTP/1.1", "GET HTTP/1.1"]
        let (taken, disagreeing) = Self.compare(lines, kind: .request)
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(taken > 20_000)
    }

    @Test func statusLinesReadInPlaceAgreeWithTheParser() {
        let lines = ["HTTP/1.1 200 OK", "HTTP/1.1 201 ", "HTTP/1.0 416 Requested Range Not Satisfiable",
                     "HTTP/1.1 200  \t OK  \t", "HTTP/2.0 101 Switching", "HTTP/1.1 200\tOK"]
        let (taken, disagreeing) = Self.compare(lines, kind: .status)
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(taken > 10_000)
    }

    /// The status line's prefix checked with `HTTP/1.1` as one word
    /// (``HeadAccumulator/statusLinePrefixAccepted(_:at:)``) against the sniffer's rule byte by
    /// byte: every byte value at every position of several prefixes, at an offset in the input.
    @Test func statusLinePrefixAgreesWithTheRule() {
        let prefix = StartLineSniffer.statusLinePrefixLength
        var disagreeing: [[UInt8]] = []
        var accepted = 0
        for line in ["HTTP/1.1 200 OK", "HTTP/1.0 416 x", "HTTP/2.0 101 ", "http/1.1 200 OK", "HTTP/1.1  200 OK"] {
            for position in 0..<prefix {
                for byte in UInt8.min...UInt8.max {
                    var changed = Array(line.utf8)
                    changed[position] = byte
                    let input = [0x41, 0x0A, 0x0D] + changed
                    let expected = (0..<prefix).allSatisfy { StartLineSniffer.statusLineAccepts(changed[$0], at: $0) }
                    let found = input.withUnsafeBytes { HeadAccumulator.statusLinePrefixAccepted($0, at: 3) }
                    if found != expected { disagreeing.append(changed) }
                    if found { accepted += 1 }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(accepted > 100)
    }

    /// What ``HeadAccumulator/wholeStartLine(_:from:kind:maxBytes:)`` must find, spelled plainly:
    /// a method of token bytes and a space (or the sniffer's status prefix), text, an optional CR
    /// and the LF, every byte below `start + maxBytes` and inside `input`.
    private static func plainWholeStartLine(_ input: [UInt8], from start: Int, kind: StartLineSniffer.Kind,
                                            maxBytes: Int) -> HeadAccumulator.WholeStartLine? {
        let limit = min(input.count, start + maxBytes)
        var position = start
        var methodEnd = 0
        switch kind {
        case .request:
            while position < limit, ASCII.isTokenCharacter(input[position]) { position += 1 }
            guard position > start, position < limit, input[position] == ASCII.space else { return nil }
            methodEnd = position - start
            position += 1
        case .status:
            let prefix = StartLineSniffer.statusLinePrefixLength
            guard limit - start > prefix,
                  (0..<prefix).allSatisfy({ StartLineSniffer.statusLineAccepts(input[start + $0], at: $0) }) else { return nil }
            position = start + prefix
        }
        while position < limit, !ASCII.isControl(input[position]) { position += 1 }
        guard position < limit else { return nil }
        let contentEnd = position
        if input[position] == ASCII.carriageReturn { position += 1 }
        guard position < limit, input[position] == ASCII.lineFeed else { return nil }
        return HeadAccumulator.WholeStartLine(lineFeed: position, contentEnd: contentEnd, methodEnd: methodEnd)
    }

    /// The finder, with its word compares of `BITS_POST ` and `HTTP/1.1`, against the plain rule:
    /// every byte value at every position and every cut of usual lines, under several limits
    /// (around the method's and the prefix's lengths).
    @Test(arguments: [StartLineSniffer.Kind.request, .status])
    func wholeStartLineAgreesWithThePlainRule(kind: StartLineSniffer.Kind) {
        let lines = kind == .request ? ["BITS_POST /u HTTP/1.1\r\n", "BITS_POSTX /u HTTP/1.1\n", "GET / HTTP/1.1\r\n"]
                                     : ["HTTP/1.1 200 OK\r\n", "HTTP/1.1 404 \n", "HTTP/1.0 200 OK\r\n"]
        var disagreeing: [String] = []
        var found = 0
        for line in lines {
            ByteVariants.forEach(of: Array(line.utf8)) { changed in
                let input = [0x41, 0x0A] + changed
                for maxBytes in [1, 9, 10, 11, 13, 14, 15, 1_000] {
                    let fast = input.withUnsafeBytes { HeadAccumulator.wholeStartLine($0, from: 2, kind: kind, maxBytes: maxBytes) }
                    let plain = Self.plainWholeStartLine(input, from: 2, kind: kind, maxBytes: maxBytes)
                    if fast != plain { disagreeing.append("\(changed) \(maxBytes): \(String(describing: fast)) vs \(String(describing: plain))") }
                    if fast != nil { found += 1 }
                }
            }
        }
        #expect(disagreeing.count == 0, "\(disagreeing.prefix(3))")
        #expect(found > 1_000)
    }
}
