import AnalyzerCore

/// One capture of `samples/`: its file name, what it shows, its bytes, and what a correct analysis
/// finds in it, as the generator knows it (never taken from a run of bitsnoop).
public struct SampleCapture: Sendable {
    /// File name under `samples/`, e.g. `streams-clean.pcap`.
    public var fileName: String
    /// One line saying what the capture shows.
    public var summary: String
    /// The file's bytes.
    public var bytes: [UInt8]
    /// The expected-results document, written to `samples/expected/<fileName>.json`.
    public var expectedJSON: String

    /// Creates a sample.
    public init(fileName: String, summary: String, bytes: [UInt8], expectedJSON: String) {
        self.fileName = fileName
        self.summary = summary
        self.bytes = bytes
        self.expectedJSON = expectedJSON
    }
}
