/// The five fuzz targets: what each does with one input is in its own type; this names them and
/// dispatches, so that the fuzz executables, the replay tools and the regression tests share it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A capture file read through libpcap and analysed, and the same bytes as a packet stream fed
    /// to the decoder directly (``CaptureFuzzing``).
    case capture
    /// A stream of synthetic TCP segments through the reassembler, with stream invariants checked
    /// (``ReassemblyFuzzing``).
    case reassembly
    /// Stream pieces, gaps and ends through the HTTP/1.1 parser, with event invariants checked
    /// (``HTTPFuzzing``).
    case http
    /// Stream pieces of several connections through HTTP and the BITS analyzer, one session
    /// tracker, and the timeline rendering (``BITSFuzzing``).
    case bits
    /// A key log and stream pieces and gaps of four connections through TLS decryption: the key log
    /// parser, the record layer and the handshake parser (``TLSFuzzing``).
    case tls

    /// The libFuzzer executable of this target in fuzz/Package.swift, e.g. `FuzzHTTP`.
    public var executableName: String {
        switch self {
        case .capture: return "FuzzCapture"
        case .reassembly: return "FuzzReassembly"
        case .http: return "FuzzHTTP"
        case .bits: return "FuzzBITS"
        case .tls: return "FuzzTLS"
        }
    }

    /// Runs one input. Returns normally for every input; a broken invariant stops the process
    /// (which is what the fuzzer looks for).
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .capture: CaptureFuzzing.run(input)
        case .reassembly: ReassemblyFuzzing.run(input)
        case .http: HTTPFuzzing.run(input)
        case .bits: BITSFuzzing.run(input)
        case .tls: TLSFuzzing.run(input)
        }
    }

    /// Runs one input given as an array.
    public func run(_ input: [UInt8]) {
        input.withUnsafeBytes { run($0) }
    }
}
