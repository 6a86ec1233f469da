/// The client's scenarios; each uploads one seeded file in one session.
enum LoopbackScenario: String, CaseIterable {
    /// Create, 64 KiB fragments of a 300 KiB file, Close.
    case clean
    /// A 6 MiB file in 256 KiB fragments.
    case large
    /// Half the file, a new TCP connection with a Ping, the rest from the server's offset, Close.
    case reconnect
    /// A third of the file, then the connection closes and the client stops.
    case orphaned
    /// Half the file, then Close-Session.
    case partialClose = "partial-close"
    /// A quarter of the file, then Cancel-Session.
    case cancel

    /// Length of the file uploaded.
    var fileSize: Int {
        switch self {
        case .clean: return 300 * 1024
        case .large: return 6 * 1024 * 1024
        case .reconnect, .cancel: return 256 * 1024
        case .orphaned: return 192 * 1024
        case .partialClose: return 160 * 1024
        }
    }

    /// Largest fragment body.
    var fragmentSize: Int { self == .large ? 256 * 1024 : 64 * 1024 }

    /// The session state an analyzer of the capture must report.
    var expectedState: String {
        switch self {
        case .clean, .large, .reconnect: return "completed"
        case .orphaned: return "orphaned"
        case .partialClose: return "closed-partial"
        case .cancel: return "cancelled"
        }
    }

    /// The finding codes an analyzer must report for the session (docs/findings.md), and only these.
    var expectedFindings: [String] {
        switch self {
        case .clean, .large, .cancel: return []
        case .reconnect: return ["session-multi-connection"]
        case .orphaned: return ["orphaned-session"]
        case .partialClose: return ["partial-file-close"]
        }
    }

    /// The file's seed: the run's seed mixed with the scenario, so scenarios upload different bytes.
    func fileSeed(runSeed: UInt64) -> UInt64 {
        let index = UInt64(Self.allCases.firstIndex(of: self) ?? 0) + 1
        // Wrapping multiply: a hash of the index, overflow intended.
        return runSeed ^ (index &* 0x9E37_79B9_7F4A_7C15)
    }
}
