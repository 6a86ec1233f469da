@testable import ReportOutput
import Testing
import TestSupport

/// A selection asked whether it would keep an element says what offering it does.
@Suite struct BoundedSelectionTests {
    /// Random numbers, with repeats, offered to selections of several sizes: before each offer,
    /// ``BoundedSelection/wouldKeep(_:)`` (told only how the number compares) equals what the offer
    /// returns, and a number it would not keep leaves the selection as it was.
    @Test(arguments: [0, 1, 3, 16])
    func wouldKeepAgreesWithOffer(capacity: Int) {
        var random = SplitMix(seed: UInt64(capacity) + 5)
        var selection = BoundedSelection<Int>(capacity: capacity, better: { $0 > $1 })
        for _ in 0..<500 {
            let value = Int(random.next() % 200)
            let predicted = selection.wouldKeep { value > $0 }
            let before = selection.elements
            let kept = selection.offer(value)
            #expect(predicted == kept, "capacity \(capacity), value \(value)")
            if !kept { #expect(selection.elements == before) }
        }
    }
}
