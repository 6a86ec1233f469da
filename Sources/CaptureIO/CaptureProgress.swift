/// How far an ``OfflineCapture`` has got, for a progress display.
public struct CaptureProgress: Hashable, Sendable {
    /// Index (from 0) of the capture being read, or of the last one once all are read.
    public var captureIndex: Int
    /// How many captures there are.
    public var captureCount: Int
    /// Bytes consumed so far: the sizes of the captures finished plus the position in the current
    /// one. Captures whose position cannot be known (standard input from a pipe) add nothing.
    public var bytesRead: Int64
    /// The size of all captures together, or `nil` when any is not a regular file.
    public var totalBytes: Int64?

    /// Creates a progress record.
    public init(captureIndex: Int, captureCount: Int, bytesRead: Int64, totalBytes: Int64?) {
        self.captureIndex = captureIndex
        self.captureCount = captureCount
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}
