import AnalyzerCore
import PacketDecoding
import TCPReassembly
import TLSDecryption

/// The counters of a run as named pairs in a fixed order, the `stats` object of JSON output.
/// Names are stable; each is described in `docs/cli.md`.
public enum AnalysisCounters {
    /// Every counter of the engine's capture, decoding and reassembly statistics.
    public static func list(for engine: AnalysisEngine) -> [(String, UInt64)] {
        let capture = engine.capture
        let decode = engine.decodeStatistics
        let reassembly = engine.reassemblyStatistics
        let pairs: [(String, Int)] = [
            ("packets", capture.packets),
            ("packets_cut_by_snaplen", capture.cutBySnapshotLength),
            ("tcp_segments", decode.tcpSegments),
            ("non_ip_packets", decode.nonIP),
            ("non_tcp_packets", decode.nonTCP),
            ("truncated_packets", decode.truncated),
            ("truncated_payloads", decode.truncatedPayloads),
            ("malformed_packets", decode.malformed),
            ("unsupported_link_type_packets", decode.unsupportedLinkType),
            ("tcp_option_errors", decode.tcpOptionErrors),
            ("ip_fragments", decode.ipFragments),
            ("ip_datagrams_reassembled", decode.datagramsReassembled),
            ("ip_fragment_datagrams_dropped", decode.fragmentDatagramsDropped),
            ("ip_fragment_datagrams_rejected", decode.fragmentDatagramsRejected),
            ("ip_fragment_datagrams_expired", decode.fragmentDatagramsExpired),
            ("ip_fragment_overlap_conflicts", decode.fragmentOverlapConflicts),
            ("connections", reassembly.connections),
            ("connections_midstream", reassembly.midstreamPickups),
            ("connections_evicted", reassembly.connectionsEvicted),
            ("peak_connections", reassembly.peakConnections),
            ("reassembly_connection_limit_hits", reassembly.connectionLimitHits),
            ("reassembly_total_limit_hits", reassembly.totalLimitHits),
            ("peak_held_bytes", reassembly.peakHeldBytes),
            ("offloaded_segments", decode.offloadedSegments),
            ("undecoded_packets", decode.undecoded),
        ]
        let loss: [(String, UInt64)] = [
            ("acknowledged_bytes_client_to_server", reassembly.acknowledgedBytes[0]),
            ("acknowledged_bytes_server_to_client", reassembly.acknowledgedBytes[1]),
            ("capture_loss_bytes_client_to_server", reassembly.acknowledgedGapBytes[0]),
            ("capture_loss_bytes_server_to_client", reassembly.acknowledgedGapBytes[1]),
            ("connections_one_sided", UInt64(max(0, reassembly.oneSidedConnections))),
        ]
        return [("captured_bytes", capture.capturedBytes)] + pairs.map { ($0.0, UInt64(max(0, $0.1))) } + loss
    }
}

extension AnalysisCounters {
    /// The decryption counters when TLS was decrypted with a key log (none without one, so a run
    /// without `--tls-keylog` keeps its `stats` as before).
    public static func decryption(_ tally: TLSDecryptionTally?) -> [(String, UInt64)] {
        guard let tally else { return [] }
        let pairs: [(String, Int)] = [
            ("tls_decrypted_connections", tally.decryptedConnections),
            ("tls_records_decrypted", tally.recordsDecrypted),
            ("tls_records_not_decrypted", tally.recordsNotDecrypted),
            ("tls_records_failed_authentication", tally.recordsFailedAuthentication),
            ("tls_records_lost", tally.recordsLost),
            ("tls_keylog_entries", tally.keyLog.count),
        ] + (tally.keys.keysMayArrive ? [
            // Only when the key log is followed (`live`): waits for keys written after the handshake.
            ("tls_key_waits", tally.keys.waits.started),
            ("tls_key_waits_found", tally.keys.waits.keysFound),
            ("tls_key_waits_over_limit", tally.keys.waits.heldLimitReached),
            ("tls_key_waits_ended_without_key", tally.keys.waits.endedWithoutKeys),
            ("tls_key_waits_refused", tally.keys.waits.refusedAtLimit),
        ] : [])
        return pairs.map { ($0.0, UInt64(max(0, $0.1))) }
    }
}
