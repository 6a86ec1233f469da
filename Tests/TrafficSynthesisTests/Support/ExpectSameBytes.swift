import Testing

/// Expects two byte arrays to be equal, reporting only the lengths and the first difference (a
/// plain `#expect(a == b)` would print both arrays whole).
func expectSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ what: String = "bytes",
                     sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let index = firstDifference(actual, expected)
    Issue.record("\(what) differ: counts \(actual.count) / \(expected.count), first difference at \(index)",
                 sourceLocation: sourceLocation)
}

/// The first index where `a` and `b` differ (the shorter length when one is a prefix of the other).
func firstDifference<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
    zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
}
