import AnalyzerCore
import BITSAnalyzer
import Foundation
import Testing
import UploadExtraction
import TestSupport

/// The rules of rebuilding, driven through the observer interface: what the server accepted, first
/// copy wins, refused bytes never show, gaps and short Acks, and the limits.
@Suite struct ExtractorRulesTests {
    static let bytesA = [UInt8](repeating: 0x41, count: 100)
    static let bytesB = [UInt8](repeating: 0x42, count: 100)

    @Test("the copy the server stored first wins, even when a direct writer sent other bytes")
    func firstStoredCopyWins() throws {
        let driver = try ExtractorDriver()
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 99, total: 100)  // writes straight into the file
        driver.start(2, session: 0, first: 0, last: 99, total: 100)  // spooled
        driver.body(1, Self.bytesA, at: 0)
        driver.body(2, Self.bytesB, at: 0)
        driver.end(1)
        driver.end(2)
        driver.accept(2, session: 0, 0..<100, acknowledged: 100)
        driver.accept(1, session: 0, 0..<100, acknowledged: 100)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 100, total: 100)])
        let file = try #require(files[0])
        #expect(file.bytes == Self.bytesB)
        #expect(file.file.complete && file.file.missing.isEmpty)
        #expect(file.file.path == "{S0}-report.zip")
    }

    @Test("bytes of a refused fragment never reach the file; later accepted bytes do")
    func refusedBytesAreZeroed() throws {
        let driver = try ExtractorDriver()
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 99, total: 100)
        driver.body(1, Self.bytesA, at: 0)
        driver.end(1)
        driver.discard(1)  // a 416 or an error: nothing stored
        driver.start(2, session: 0, first: 0, last: 49, total: 100)
        driver.body(2, Array(Self.bytesB.prefix(50)), at: 0)
        driver.end(2)
        driver.accept(2, session: 0, 0..<50, acknowledged: 50)
        // The server says 100 (bytes the capture did not show): zeros, listed missing.
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 100, total: 100)])
        let file = try #require(files[0])
        #expect(file.bytes == Array(Self.bytesB.prefix(50)) + [UInt8](repeating: 0, count: 50))
        #expect(!file.file.complete)
        #expect(file.file.missing == [50...99])
        #expect(file.file.path == "{S0}-report.zip.partial")
    }

    @Test("a short Ack keeps only the acknowledged prefix; missing body bytes are zero and listed")
    func shortAckAndGaps() throws {
        let driver = try ExtractorDriver()
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 99, total: 200)
        driver.body(1, Array(Self.bytesA[0..<30]), at: 0)
        driver.body(1, Array(Self.bytesA[60..<100]), at: 60)  // 30..<60 missing from the capture
        driver.end(1)
        driver.accept(1, session: 0, 0..<80, acknowledged: 80)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 80, total: 200)])
        let file = try #require(files[0])
        let wanted = Array(Self.bytesA[0..<30]) + [UInt8](repeating: 0, count: 30) + Array(Self.bytesA[60..<80])
        #expect(file.bytes == wanted)
        #expect(file.file.missing == [30...59, 80...199])
        #expect(!file.file.complete)
    }

    @Test("a fragment of a session not known yet is spooled and placed at its verdict")
    func unknownSessionIsSpooled() throws {
        let driver = try ExtractorDriver()
        defer { driver.remove() }
        driver.start(1, session: nil, first: 100, last: 199, total: 200)
        driver.body(1, Self.bytesB, at: 0)
        driver.end(1)
        driver.accept(1, session: 0, 100..<200, acknowledged: 200)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 200, total: 200)])
        let file = try #require(files[0])
        #expect(file.bytes == [UInt8](repeating: 0, count: 100) + Self.bytesB)
        #expect(file.file.missing == [0...99])
        #expect(file.file.path.hasSuffix(".partial"))
    }

    @Test("a file is cut at maxFileBytes, reported, and listed missing past the cut")
    func fileSizeLimit() throws {
        var limits = ExtractionLimits()
        limits.maxFileBytes = 40
        let driver = try ExtractorDriver(limits: limits)
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 99, total: 100)
        driver.body(1, Self.bytesA, at: 0)
        driver.end(1)
        driver.accept(1, session: 0, 0..<100, acknowledged: 100)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 100, total: 100)])
        let file = try #require(files[0])
        #expect(file.bytes == Array(Self.bytesA.prefix(40)))
        #expect(file.file.missing == [40...99] && !file.file.complete)
        #expect(driver.findings.findings.map(\.code) == [.limitExtractFileSize])
    }

    @Test("ranges and offsets at the top of the 64-bit space neither trap nor write past the cap")
    func hostileOffsets() throws {
        var limits = ExtractionLimits()
        limits.maxFileBytes = 1_000
        let driver = try ExtractorDriver(limits: limits)
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: .max - 1, total: .max)
        driver.body(1, Self.bytesA, at: 0)
        driver.body(1, Self.bytesB, at: .max - 200)  // far past the cap: dropped
        driver.end(1)
        driver.accept(1, session: 0, 0..<UInt64.max, acknowledged: .max)
        driver.start(2, session: 0, first: .max - 1, last: .max, total: .max)
        driver.body(2, Self.bytesB, at: 0)
        driver.accept(2, session: 0, (UInt64.max - 1)..<UInt64.max, acknowledged: .max)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: .max, total: .max)])
        let file = try #require(files[0])
        #expect(file.bytes == Self.bytesA + [UInt8](repeating: 0, count: 900))
        #expect(file.file.missing == [100...(UInt64.max - 1)])
        #expect(!file.file.complete)
        #expect(driver.findings.findings.map(\.code) == [.limitExtractFileSize])
    }

    @Test("past maxPendingFragments a fragment is not extracted, and the limit is reported once")
    func pendingLimit() throws {
        var limits = ExtractionLimits()
        limits.maxPendingFragments = 1
        let driver = try ExtractorDriver(limits: limits)
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 49, total: 100)
        driver.start(2, session: 0, first: 50, last: 99, total: 100)
        driver.start(3, session: 0, first: 50, last: 99, total: 100)
        driver.body(1, Array(Self.bytesA.prefix(50)), at: 0)
        driver.body(2, Array(Self.bytesB.prefix(50)), at: 0)
        driver.accept(1, session: 0, 0..<50, acknowledged: 50)
        driver.accept(2, session: 0, 50..<100, acknowledged: 100)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 100, total: 100)])
        let file = try #require(files[0])
        #expect(file.bytes == Array(Self.bytesA.prefix(50)) + [UInt8](repeating: 0, count: 50))
        #expect(file.file.missing == [50...99])
        #expect(driver.findings.findings.map(\.code) == [.limitExtractPending])
    }

    @Test("past maxRangesPerSet further bytes count as missing, and they are zero in the file")
    func rangeLimit() throws {
        var limits = ExtractionLimits()
        limits.maxRangesPerSet = 2
        let driver = try ExtractorDriver(limits: limits)
        defer { driver.remove() }
        driver.start(1, session: 0, first: 0, last: 99, total: 100)
        for offset in stride(from: 0, to: 100, by: 20) {  // five pieces with holes between them
            driver.body(1, Array(Self.bytesA[offset..<(offset + 10)]), at: UInt64(offset))
        }
        driver.end(1)
        driver.accept(1, session: 0, 0..<100, acknowledged: 100)
        let files = try driver.finish([ExtractorDriver.session(id: "{S0}", acknowledged: 100, total: 100)])
        let file = try #require(files[0])
        var isMissing = [Bool](repeating: false, count: 100)
        for range in file.file.missing { for offset in range { isMissing[Int(offset)] = true } }
        for offset in 0..<100 {
            #expect(file.bytes[offset] == (isMissing[offset] ? 0 : 0x41), "offset \(offset)")
        }
        #expect(isMissing.filter { !$0 }.count == 20)  // two pieces of ten kept
        #expect(driver.findings.findings.map(\.code) == [.limitExtractRanges])
    }

    @Test("random fragments, splits, overlaps and verdict orders rebuild what a model server stores",
          arguments: [0, 4_096])
    func randomScripts(bufferBudget: Int) throws {
        var random = SplitMix(seed: 0xB175)
        for round in 0..<60 {
            var limits = ExtractionLimits()
            limits.writeBufferBytes = 4_096
            limits.maxBufferedBytes = bufferBudget  // 0: every piece written at once
            limits.maxOpenFiles = 2  // descriptors closed and reopened
            let driver = try ExtractorDriver(limits: limits)
            defer { driver.remove() }
            let total = UInt64(1 + random.below(20_000))
            let upload = (0..<total).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            var model = [UInt8](repeating: 0, count: Int(total))
            var stored = [Bool](repeating: false, count: Int(total))
            var captured = [Bool](repeating: false, count: Int(total))
            var acknowledged: UInt64 = 0
            var pending: [(request: Int, range: Range<UInt64>, body: [UInt8], shown: [Bool])] = []
            var nextRequest = 0
            for _ in 0..<(1 + random.below(12)) {
                let first = UInt64(random.below(Int(total)))
                let last = min(total - 1, first + UInt64(random.below(6_000)))
                nextRequest += 1
                let corrupt = random.below(4) == 0  // other bytes than the client's file
                var body = Array(upload[Int(first)...Int(last)])
                if corrupt { body = body.map { $0 ^ 0x5A } }
                let known = random.below(3) != 0
                driver.start(nextRequest, session: known ? 0 : nil, first: first, last: last, total: total)
                // Deliver the body in random pieces, some missing from the capture.
                var shown = [Bool](repeating: false, count: body.count)
                var offset = 0
                while offset < body.count {
                    let count = min(body.count - offset, 1 + random.below(3_000))
                    if random.below(8) != 0 {
                        driver.body(nextRequest, Array(body[offset..<(offset + count)]), at: UInt64(offset))
                        for index in offset..<(offset + count) { shown[index] = true }
                    }
                    offset += count
                }
                if random.below(2) == 0 { driver.end(nextRequest) }
                pending.append((nextRequest, first..<(last + 1), body, shown))
                // Answer some of the pending fragments, in random order.
                while !pending.isEmpty, random.below(3) != 0 {
                    let fragment = pending.remove(at: random.below(pending.count))
                    guard random.below(4) != 0 else {
                        driver.discard(fragment.request)
                        continue
                    }
                    let low = fragment.range.lowerBound + UInt64(random.below(Int(fragment.range.count)))
                    let cut = min(UInt64(random.below(100)), fragment.range.upperBound - low)
                    let accepted = low..<(fragment.range.upperBound - cut)
                    acknowledged = max(acknowledged, accepted.upperBound)
                    driver.accept(fragment.request, session: 0, accepted, acknowledged: acknowledged)
                    for offset in accepted where !stored[Int(offset)] {
                        stored[Int(offset)] = true
                        let position = Int(offset - fragment.range.lowerBound)
                        if fragment.shown[position] {
                            model[Int(offset)] = fragment.body[position]
                            captured[Int(offset)] = true
                        }
                    }
                }
            }
            for fragment in pending where random.below(2) == 0 { driver.discard(fragment.request) }
            let session = ExtractorDriver.session(id: "{S0}", acknowledged: acknowledged, total: total)
            let files = try driver.finish([session])
            let length = Int(acknowledged)
            guard let file = files[0] else {
                // Only when no fragment named a known session and none was accepted.
                #expect(acknowledged == 0, "round \(round): no file")
                continue
            }
            let wanted = Array(model.prefix(length))
            #expect(file.bytes.count == wanted.count, "round \(round): length")
            let wrong = zip(file.bytes, wanted).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(wrong == nil, "round \(round): first wrong byte at \(wrong ?? 0)")
            var missing: [ClosedRange<UInt64>] = []
            var start: Int?
            for offset in 0...Int(total) {
                let gap = offset < Int(total) && !(offset < length && captured[offset])
                if gap, start == nil { start = offset }
                if !gap, let begun = start {
                    missing.append(UInt64(begun)...UInt64(offset - 1))
                    start = nil
                }
            }
            #expect(file.file.missing == missing, "round \(round): missing")
            #expect(file.file.complete == missing.isEmpty, "round \(round): complete")
            #expect(file.file.sha256 == ExtractionRun.sha256(file.bytes), "round \(round): sha256")
        }
    }
}
