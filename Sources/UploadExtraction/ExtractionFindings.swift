import AnalyzerCore

/// The finding codes of extraction (all `notice`; see `docs/findings.md` and `docs/limits.md`).
extension FindingCode {
    /// A file was cut at ``ExtractionLimits/maxFileBytes``.
    public static let limitExtractFileSize = FindingCode(rawValue: "limit-extract-file-size")
    /// A range set reached ``ExtractionLimits/maxRangesPerSet`` or ``ExtractionLimits/maxRangesTotal``.
    public static let limitExtractRanges = FindingCode(rawValue: "limit-extract-ranges")
    /// ``ExtractionLimits/maxPendingFragments`` or ``ExtractionLimits/maxSpooledBytes`` was reached.
    public static let limitExtractPending = FindingCode(rawValue: "limit-extract-pending")
}
