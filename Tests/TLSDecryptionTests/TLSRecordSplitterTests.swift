import Testing
import TrafficSynthesis
@testable import TLSDecryption

/// The record splitter alone: any chunking, gaps inside and across records, hostile lengths.
@Suite struct TLSRecordSplitterTests {
    /// Records of assorted types and sizes (including empty and the largest), back to back.
    static let stream: [UInt8] = {
        var bytes: [UInt8] = []
        for (index, size) in [1, 0, 300, 5, 16_384 + 2_048, 77].enumerated() {
            bytes += record(UInt8(20 + index % 4), filler(size, seed: UInt8(index)))
        }
        return bytes
    }()

    private func split(_ chunks: [[UInt8]], limits: TLSDecryptionLimits = TLSDecryptionLimits()) -> ([[UInt8]], TLSSplitterState) {
        let splitter = TLSRecordSplitter(maxBody: limits.maxRecordBodyBytes, maxScanBytes: limits.maxResyncScanBytes)
        var records: [[UInt8]] = []
        for chunk in chunks {
            chunk.withUnsafeBytes { splitter.feed($0) { record, _ in records.append(Array(record.header) + Array(record.body)); return false } }
        }
        return (records, splitter.state)
    }

    private static var expected: [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let length = 5 + Int(stream[offset + 3]) << 8 + Int(stream[offset + 4])
            records.append(Array(stream[offset..<(offset + length)]))
            offset += length
        }
        return records
    }

    @Test("whole, byte by byte, and cut at every index: the same records")
    func anyChunking() {
        let expected = Self.expected
        #expect(split([Self.stream]).0 == expected)
        #expect(split(Self.stream.map { [$0] }).0 == expected)
        for cut in stride(from: 1, to: Self.stream.count, by: 1) {
            let (records, state) = split([Array(Self.stream[..<cut]), Array(Self.stream[cut...])])
            #expect(records == expected && state == .inSync, "cut at \(cut)")
        }
    }

    @Test("a length past the limit, a non-TLS type or version fails the direction; nothing after is handed out")
    func hostileHeaders() {
        let tooLong: [UInt8] = [23, 3, 3, 0x48, 0x01] + filler(100, seed: 1)
        for bad in [tooLong, [24, 3, 3, 0, 1, 0], [23, 4, 3, 0, 1, 0], [23, 3, 9, 0, 1, 0], Array("GET / HTTP/1.1\r\n".utf8)] {
            let (records, state) = split([record(22, [1, 2]) + bad + record(23, [9])])
            #expect(records.count == 1 && state == .failed)
            let (pieces, pieceState) = split((record(22, [1, 2]) + bad).map { [$0] })
            #expect(pieces.count == 1 && pieceState == .failed)
        }
    }

    @Test("random bytes never trap, whatever their chunking, and never hand out more than they hold")
    func randomBytes() {
        var random = SeededGenerator(seed: 15)
        for round in 0..<300 {
            let bytes = (0..<Int(random.next() % 3_000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var chunks: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(random.next() % 200))
                chunks.append(Array(bytes[start..<end]))
                start = end
            }
            let (records, _) = split(chunks)
            #expect(records.reduce(0) { $0 + $1.count } <= bytes.count, "round \(round)")
        }
    }

    @Test("a gap inside a record whose header arrived skips the rest of it and stays in sync")
    func gapInsideRecord() {
        let first = record(23, filler(100, seed: 1)), second = record(23, filler(50, seed: 2))
        let splitter = TLSRecordSplitter(maxBody: 18_432, maxScanBytes: 1 << 20)
        var records: [[UInt8]] = []
        let handle: (TLSRecord, Bool) -> Bool = { record, _ in records.append(Array(record.body)); return false }
        Array(first[..<30]).withUnsafeBytes { splitter.feed($0, handle) }
        splitter.gap(40)
        #expect(splitter.state == .skippingRecord)
        Array(first[70...] + second).withUnsafeBytes { splitter.feed($0, handle) }
        #expect(records == [filler(50, seed: 2)] && splitter.state == .inSync)
        // A gap at a record boundary hides where records start: the splitter searches.
        splitter.gap(10)
        #expect(splitter.state == .searching)
    }
}
