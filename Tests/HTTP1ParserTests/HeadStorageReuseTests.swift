import AnalyzerCore
@testable import HTTP1Parser
import Testing

/// A direction reuses the last head's storage (bytes and field places) for the next head once the
/// delegate has let that head go: heads read into reused storage are the heads read into new
/// storage, and a head the delegate keeps is never written into.
@Suite struct HeadStorageReuseTests {
    /// What a head read says, as plain values (not sharing the head's storage).
    private struct Summary: Equatable {
        var startLine: String
        var fields: [HTTPHeaderField]
        var headBytes: Int
    }

    /// Summarises each head as it arrives and keeps only the heads `keep` picks (by their number in
    /// the direction), so that the others' storage is free for the next head.
    private final class SummarizingDelegate: HTTPConnectionDelegate {
        let keep: (Int) -> Bool
        var requests: [Summary] = []
        var responses: [Summary] = []
        var keptRequests: [(Int, HTTPRequestHead)] = []
        var keptResponses: [(Int, HTTPResponseHead)] = []
        /// Where each head's bytes were, to tell reused storage from new.
        var requestStorage: [Int] = []
        var responseStorage: [Int] = []

        init(keep: @escaping (Int) -> Bool) { self.keep = keep }

        static func address(_ headers: HTTPHeaders) -> Int {
            headers.storage.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        }

        func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
            requests.append(Summary(startLine: "\(head.method) \(head.target) \(head.version)", fields: head.headers.fields,
                                    headBytes: head.headBytes))
            requestStorage.append(Self.address(head.headers))
            if keep(requests.count - 1) { keptRequests.append((requests.count - 1, head)) }
        }
        func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp) {
            responses.append(Summary(startLine: "\(head.version) \(head.status) \(head.reason)", fields: head.headers.fields,
                                     headBytes: head.headBytes))
            responseStorage.append(Self.address(head.headers))
            if keep(responses.count - 1) { keptResponses.append((responses.count - 1, head)) }
        }
        func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp) {}
        func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp) {}
        func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp) {}
        func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp) {}
        func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp) {}
        func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp) {}
        func unanswered(requestIndex: Int, time: CaptureTimestamp) {}
        func responseLost(requestIndex: Int, time: CaptureTimestamp) {}
        func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {}
    }

    /// Field counts of the heads in a row: growing past the sixteen places reserved at first,
    /// shrinking, none, and one head larger than the storage kept for the next.
    private static let fieldCounts = [5, 20, 3, 0, 17, 40, 8, 1, 150, 6]

    /// A head with `count` fields, a folded line and a malformed one in every third from the second
    /// (the joined value is written to a copy of the bytes, as they are shared); bodyless.
    private static func head(_ number: Int, fields count: Int, request: Bool) -> String {
        var text = request ? "BITS_POST /upload/\(number).bin HTTP/1.1\r\n" : "HTTP/1.1 200 OK\(number)\r\n"
        for index in 0..<count {
            let name = ["Host", "X-Field-\(index)", "BITS-Packet-Type", "BITS-Session-Id"][index % 4]
            text += "\(name):  value \(number)-\(index)\(String(repeating: "x", count: (number * 7 + index) % 30))\r\n"
            if number % 3 == 1, index == count / 2 { text += "\t folded \(number)\r\nnot a field\r\n" }
        }
        return text + "Content-Length: 0\r\n\r\n"
    }

    private static func stream(request: Bool, counts: [Int] = fieldCounts) -> [UInt8] {
        Array(counts.enumerated().map { head($0.offset, fields: $0.element, request: request) }.joined().utf8)
    }

    /// Both directions' heads read by a parser whose delegate keeps the heads `keep` picks, each
    /// direction fed in two pieces cut at `cut` (whole when `nil`).
    /// With `pool`, the parser takes its storage from it and both directions end after their
    /// input, giving it back.
    private static func parse(keep: @escaping (Int) -> Bool, cut: Int? = nil, counts: [Int] = fieldCounts,
                              pool: HeadStoragePool? = nil) -> SummarizingDelegate {
        var limits = Limits.HTTP()
        limits.maxHeaderCount = 200
        let delegate = SummarizingDelegate(keep: keep)
        let parser = HTTPConnectionParser(limits: limits, delegate: delegate, storagePool: pool)
        defer {
            if pool != nil { parser.finish(time: CaptureTimestamp(seconds: 2, nanoseconds: 0)) }
        }
        let time = CaptureTimestamp(seconds: 1, nanoseconds: 0)
        // Requests and responses alternate, as on a connection: each response ends its request.
        for direction in [FlowDirection.clientToServer, .serverToClient] {
            let bytes = stream(request: direction == .clientToServer, counts: counts)
            let pieces = cut.map { [Array(bytes[..<min($0, bytes.count)]), Array(bytes[min($0, bytes.count)...])] } ?? [bytes]
            for piece in pieces { piece.withUnsafeBytes { parser.receive($0, direction: direction, time: time) } }
        }
        return delegate
    }

    /// The heads as a parser whose delegate keeps them all (so no storage is reused) reads them.
    private static var reference: SummarizingDelegate { parse(keep: { _ in true }) }

    /// The fields of ``head(_:fields:request:)`` as the public builder (which appends each to its
    /// own storage, not through a parser's places filled ahead) makes them.
    private static func builtFields(_ number: Int, fields count: Int) -> [HTTPHeaderField] {
        var headers = HTTPHeaders()
        for index in 0..<count {
            let name = ["Host", "X-Field-\(index)", "BITS-Packet-Type", "BITS-Session-Id"][index % 4]
            var value = "value \(number)-\(index)\(String(repeating: "x", count: (number * 7 + index) % 30))"
            if number % 3 == 1, index == count / 2 { value += " folded \(number)" }
            headers.append(name: name, value: value)
        }
        headers.append(name: "Content-Length", value: "0")
        return headers.fields
    }

    @Test("heads read into places filled ahead, new, reused or pooled, hold the fields the builder makes")
    func placesHoldTheBuiltFields() {
        let expected = Self.fieldCounts.enumerated().map { Self.builtFields($0.offset, fields: $0.element) }
        let pool = HeadStoragePool()
        for keep in [{ (_: Int) in true }, { _ in false }, { $0 % 2 == 1 }] {
            for delegate in [Self.parse(keep: keep), Self.parse(keep: keep, pool: pool)] {
                #expect(delegate.requests.map(\.fields) == expected)
                #expect(delegate.responses.map(\.fields) == expected)
                for (number, head) in delegate.keptRequests {
                    #expect(head.headers.count == expected[number].count)
                    #expect(head.headers == HTTPHeaders(expected[number]), "request \(number)")
                }
            }
        }
    }

    @Test("heads read into a released head's storage are the heads read into new storage")
    func reusedStorageGivesTheSameHeads() {
        let reused = Self.parse(keep: { _ in false })
        let reference = Self.reference
        #expect(reference.requests.count == Self.fieldCounts.count)
        #expect(reference.responses.count == Self.fieldCounts.count)
        #expect(reused.requests == reference.requests)
        #expect(reused.responses == reference.responses)
    }

    @Test("a released head's storage is reused by the next head; a kept head's is not")
    func storageIsReusedOnlyWhenReleased() {
        let reused = Self.parse(keep: { _ in false })
        // Heads 3 and 6 fit in the storage of the heads before them (which are not folded: the
        // headers of a folded head hold a copy). The head after the large one (150 fields) gets
        // new storage: the large one's is not kept.
        for storage in [reused.requestStorage, reused.responseStorage] {
            #expect(storage[3] == storage[2])
            #expect(storage[6] == storage[5])
            #expect(storage[9] != storage[8])
        }
        let kept = Self.reference
        #expect(Set(kept.requestStorage).count == kept.requestStorage.count)
        #expect(Set(kept.responseStorage).count == kept.responseStorage.count)
    }

    @Test("heads kept by the delegate are unchanged by the heads read after them")
    func keptHeadsAreNotWrittenInto() {
        let mixed = Self.parse(keep: { $0 % 2 == 1 })
        let reference = Self.reference
        #expect(mixed.requests == reference.requests)
        #expect(mixed.responses == reference.responses)
        for (number, head) in mixed.keptRequests {
            #expect(head.headers.fields == reference.requests[number].fields, "request \(number)")
        }
        for (number, head) in mixed.keptResponses {
            #expect(head.headers.fields == reference.responses[number].fields, "response \(number)")
        }
    }

    @Test("heads in a row cut at every index read the same into reused storage")
    func cutAtEveryIndex() {
        var wrong: [Int] = []
        let counts = Array(Self.fieldCounts.prefix(5))
        let reference = Self.parse(keep: { _ in true }, counts: counts)
        let length = Self.stream(request: true, counts: counts).count
        for cut in 1..<length {
            let reused = Self.parse(keep: { $0 % 3 == 0 }, cut: cut, counts: counts)
            if reused.requests != reference.requests || reused.responses != reference.responses { wrong.append(cut) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    // MARK: - Storage passed between connections through a pool

    @Test("connections in a row sharing a pool read the heads a parser without one reads, cut anywhere")
    func pooledStorageGivesTheSameHeads() {
        let counts = Array(Self.fieldCounts.prefix(5))
        let reference = Self.parse(keep: { _ in true }, counts: counts)
        let length = Self.stream(request: true, counts: counts).count
        let pool = HeadStoragePool()
        var wrong: [Int] = []
        // Each cut is one more connection: its first heads take the storage the last one left.
        for cut in 1..<length {
            let pooled = Self.parse(keep: { $0 % 3 == 0 }, cut: cut, counts: counts, pool: pool)
            if pooled.requests != reference.requests || pooled.responses != reference.responses { wrong.append(cut) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(pool.count > 0)
    }

    @Test("a connection's first heads reuse an ended one's storage; heads kept from it are not written into")
    func pooledStorageIsReusedOnlyWhenReleased() {
        let pool = HeadStoragePool()
        // The last heads (6 fields) leave their storage; their delegate lets them go.
        let first = Self.parse(keep: { _ in false }, pool: pool)
        #expect(pool.count == 4, "bytes and field places of each direction")
        // No large head here: a head after one (whose storage is not kept) takes a pooled buffer too.
        let counts = [5, 3, 6]
        let second = Self.parse(keep: { _ in true }, counts: counts, pool: pool)
        let left = Set([first.requestStorage.last, first.responseStorage.last])
        #expect(Set([second.requestStorage.first, second.responseStorage.first]) == left)
        // The second connection's last heads are kept: the pool gets new empty storage of their
        // size, and a third connection never writes into them.
        _ = Self.parse(keep: { _ in false }, pool: pool)
        let reference = Self.parse(keep: { _ in true }, counts: counts)
        for (number, head) in second.keptRequests {
            #expect(head.headers.fields == reference.requests[number].fields, "request \(number)")
        }
        for (number, head) in second.keptResponses {
            #expect(head.headers.fields == reference.responses[number].fields, "response \(number)")
        }
    }

    @Test("the pool keeps at most its bound of each kind, and only storage a direction would keep")
    func poolIsBounded() {
        let pool = HeadStoragePool()
        var limits = Limits.HTTP()
        limits.maxHeaderCount = 200
        let time = CaptureTimestamp(seconds: 1, nanoseconds: 0)
        // Many connections open at once, all ended afterwards.
        let parsers = (0..<(HeadStoragePool.maxKept + 10)).map { _ in
            HTTPConnectionParser(limits: limits, delegate: SummarizingDelegate(keep: { _ in false }), storagePool: pool)
        }
        let bytes = Self.stream(request: true, counts: [3])
        for parser in parsers { bytes.withUnsafeBytes { parser.receive($0, direction: .clientToServer, time: time) } }
        for parser in parsers { parser.finish(time: time) }
        #expect(pool.count == 2 * HeadStoragePool.maxKept)
        // A head larger than a direction keeps (150 fields, some 8 KiB) leaves nothing to the pool.
        let empty = HeadStoragePool()
        _ = Self.parse(keep: { _ in false }, counts: [150], pool: empty)
        #expect(empty.count == 0)
    }
}
