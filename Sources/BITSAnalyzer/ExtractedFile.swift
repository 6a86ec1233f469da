/// A file written by extraction: what the server holds of one session's upload. Written by
/// `UploadExtraction`, it lives here, beside the session it describes, so that the renderings of a
/// session (text, JSON, HTML) need not depend on the module that writes files.
public struct ExtractedFile: Hashable, Sendable {
    /// Its name inside the extraction folder (one path component).
    public var path: String
    /// Its length: the offset the server acknowledged (cut at `ExtractionLimits.maxFileBytes`).
    public var bytes: UInt64
    /// SHA-256 of its bytes, lower-case hex.
    public var sha256: String
    /// Whether the server acknowledged the whole upload and the capture showed every byte of it.
    public var complete: Bool
    /// Upload offsets whose bytes the file lacks (zeros in the file where below ``bytes``), as
    /// inclusive `first...last` ranges, over the whole upload length when known.
    public var missing: [ClosedRange<UInt64>]

    /// Creates a record.
    public init(path: String, bytes: UInt64, sha256: String, complete: Bool, missing: [ClosedRange<UInt64>]) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.complete = complete
        self.missing = missing
    }
}
