import Foundation
import Testing
import TrafficSynthesis

/// Broken files and absurd traffic, made by our generator, through the real `bitsnoop analyze`:
/// it never crashes, exits 0 with what it could analyse (2 only for a file that is not a capture),
/// reports what happened, and stays within a memory bound.
@Suite struct HostileCaptureTests {
    /// Peak resident memory allowed for the small broken files.
    static let smallInputMemoryBound = 128 << 20
    /// Peak resident memory allowed for the captures built to exhaust tables (docs/limits.md).
    static let floodMemoryBound = 256 << 20

    /// A small BITS capture: six sessions on three connections, never closed.
    static let base = HostileCaptures.unclosedSessions(count: 6, perConnection: 2)

    /// Runs `analyze --json -` on `bytes` written to a temporary file.
    private func analyze(_ bytes: [UInt8]) throws -> (MeasuredRun.Result, path: String) {
        let path = try CLIRunner.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (try MeasuredRun.run(["analyze", "--json", "-", path]), path)
    }

    private static func codes(_ document: [String: Any]) -> [String] {
        (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    private static func stats(_ document: [String: Any]) -> [String: Int] {
        (document["stats"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
    }

    @Test("broken files: analysed up to the break with capture-truncated, or one line and exit 2",
          arguments: BrokenCaptureFile.allCases)
    func brokenFile(kind: BrokenCaptureFile) throws {
        let (result, path) = try analyze(kind.make(from: Self.base, seed: 7))
        #expect(result.signal == nil, "killed by signal \(result.signal ?? 0)")
        #expect(result.peakResidentBytes < Self.smallInputMemoryBound, "peak \(result.peakResidentBytes) bytes")
        guard kind.opensAsCapture else {
            #expect(result.status == 2)
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(path) && lines[0].contains("not a capture"),
                    "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
            return
        }
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        let codes = Self.codes(document)
        let sessions = (document["sessions"] as? [Any])?.count ?? -1
        switch kind {
        case .endsInsideRecordHeader, .endsInsideRecordBody:
            // Only the last record (the final ACK of the last connection) is lost: all six sessions remain.
            #expect(codes.contains("capture-truncated"))
            #expect(sessions == 6)
            #expect(codes.filter { $0 == "orphaned-session" }.count == 6)
            #expect(result.standardError.contains("warning") && result.standardError.contains(path))
        case .recordClaimsHugeLength:
            // Reading stops at the second record; the first packet (a SYN) was analysed.
            #expect(codes.contains("capture-truncated"))
            #expect(Self.stats(document)["packets"] == 1)
            #expect(Self.stats(document)["connections"] == 1)
        case .randomRecords:
            // Whatever libpcap makes of the noise: analysed or cut, never a trap.
            #expect(sessions >= 0)
        case .empty, .endsInsideFileHeader, .randomBytes:
            Issue.record("\(kind) should not open")
        }
    }

    @Test("snapshot length 96: headers only; every packet is analysed and counted as cut")
    func headersOnly() throws {
        let (result, _) = try analyze(BrokenCaptureFile.headersOnly(Self.base))
        #expect(result.signal == nil)
        #expect(result.status == 0, "\(result.standardError)")
        let stats = Self.stats(try CLIRunner.json(result.standardOutput))
        #expect(stats["packets"] == 30)
        #expect(stats["connections"] == 3)
        // The twelve packets carrying HTTP were longer than 96 bytes.
        #expect(stats["packets_cut_by_snaplen"] == 12)
        // One notice says why the HTTP and BITS content is missing.
        let findings = try CLIRunner.json(result.standardOutput)["findings"] as? [[String: Any]] ?? []
        let cuts = findings.filter { $0["code"] as? String == "capture-snaplen-cut" }
        #expect(cuts.count == 1)
        #expect((cuts.first?["message"] as? String)?.hasPrefix("12 of 30 packets were cut") == true)
        #expect(result.peakResidentBytes < Self.smallInputMemoryBound)
    }

    /// What each absurd value is reported as.
    static let absurdFindings: [AbsurdWireValue: [String]] = [
        .contentLengthPast64Bits: ["http-invalid-content-length"],
        .contentLengthNegative: ["http-invalid-content-length"],
        .contentRangePast64Bits: ["malformed-content-range"],
        .contentRangeNegative: ["malformed-content-range"],
        .contentRangeLastBelowFirst: ["malformed-content-range"],
        .chunkSize20HexDigits: ["http-bad-chunk-size"],
        .headerBlockNeverEnds: ["limit-http-header-block"],
        .receivedPastTotal: ["range-beyond-total", "ack-range-mismatch"],
    ]

    @Test("absurd values on the wire are reported as what they are", arguments: AbsurdWireValue.allCases)
    func absurdValue(value: AbsurdWireValue) throws {
        let (result, _) = try analyze(HostileCaptures.exchange(value.messages))
        #expect(result.signal == nil)
        #expect(result.status == 0, "\(result.standardError)")
        let codes = Self.codes(try CLIRunner.json(result.standardOutput))
        for code in Self.absurdFindings[value] ?? [] {
            #expect(codes.contains(code), "\(value.rawValue): \(codes)")
        }
        #expect(result.peakResidentBytes < Self.smallInputMemoryBound)
    }

    @Test("a hundred thousand half-open connections with holes: limit-connections, bounded memory")
    func halfOpenFlood() throws {
        let (result, _) = try analyze(HostileCaptures.halfOpenConnectionsWithHoles(count: 100_000))
        #expect(result.signal == nil)
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        #expect(Self.codes(document) == ["limit-connections"])
        let stats = Self.stats(document)
        #expect(stats["connections"] == 100_000)
        #expect(stats["peak_connections"] == 65_536)
        // Every connection beyond the table was made room for by evicting older ones (whole eighths).
        #expect((stats["connections_evicted"] ?? 0) >= 100_000 - 65_536)
        #expect(result.peakResidentBytes < Self.floodMemoryBound, "peak \(result.peakResidentBytes >> 20) MiB")
    }

    @Test("twenty thousand sessions created and never closed: each reported orphaned, bounded memory")
    func unclosedSessionFlood() throws {
        let count = 20_000
        let (result, _) = try analyze(HostileCaptures.unclosedSessions(count: count, perConnection: 200))
        #expect(result.signal == nil)
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        #expect((document["sessions"] as? [Any])?.count == count)
        #expect(Self.codes(document).filter { $0 == "orphaned-session" }.count == count)
        #expect(result.peakResidentBytes < Self.floodMemoryBound, "peak \(result.peakResidentBytes >> 20) MiB")
    }
}
