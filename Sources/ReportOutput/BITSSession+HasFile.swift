import BITSAnalyzer

extension BITSSession {
    /// Whether the session has an extracted file (``BITSSession/file``), told by the optional's tag
    /// where it lies: `file != nil` copied the optional file (some 85 instructions, for the `nil` of
    /// almost every session) on the analysing thread, twice a session.
    @inline(__always)
    public var hasExtractedFile: Bool {
        withUnsafePointer(to: self) { if case .none = $0.pointee.file { false } else { true } }
    }
}
