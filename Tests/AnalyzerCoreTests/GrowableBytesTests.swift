import AnalyzerCore
import Testing

/// The growable byte store of the hand-off ring's batches and the timeline's session bytes: what is
/// appended reads back whole and in order whatever the starting capacity, across every growth.
@Suite struct GrowableBytesTests {
    /// Runs of every length from 0 to 40 bytes, each byte telling its run and place.
    static let runs: [[UInt8]] = (0..<41).map { length in (0..<length).map { UInt8(truncatingIfNeeded: length &* 31 &+ $0) } }

    @Test("runs appended read back in order, and each says where it starts", arguments: [1, 2, 7, 64, 1_000])
    func appendReadsBack(capacity: Int) {
        var store = GrowableBytes(capacity: capacity)
        defer { store.deallocate() }
        var expected: [UInt8] = []
        for run in Self.runs {
            let start = run.withUnsafeBytes { store.append($0) }
            #expect(start == expected.count)
            expected += run
            #expect(store.count == expected.count && store.capacity >= store.count)
        }
        #expect(Array(store.bytes) == expected)
        // Emptied, it keeps its storage and starts again at 0.
        let capacityBefore = store.capacity
        store.removeAll()
        #expect(store.count == 0 && store.capacity == capacityBefore)
        #expect(Self.runs[5].withUnsafeBytes { store.append($0) } == 0)
        #expect(Array(store.bytes) == Self.runs[5])
    }

    @Test("bytes stored in place in reserved room count once appended, across growths", arguments: [1, 3, 16])
    func reserveInPlace(capacity: Int) {
        var store = GrowableBytes(capacity: capacity, alignment: 8)
        defer { store.deallocate() }
        var expected: [UInt8] = []
        for value in 0..<200 {
            store.reserve(9)
            #expect(store.capacity - store.count >= 9)
            store.base.storeBytes(of: UInt8(value), toByteOffset: store.count, as: UInt8.self)
            store.base.storeBytes(of: UInt64(value) << 8, toByteOffset: store.count + 1, as: UInt64.self)
            store.appended(9)
            expected.append(UInt8(value))
            withUnsafeBytes(of: UInt64(value) << 8) { expected += $0 }
        }
        #expect(Array(store.bytes) == expected)
    }
}
