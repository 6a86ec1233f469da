import AnalyzerCore

/// The TLS connections of a run, recognised by content (``TLSSniffer``) and counted by server and
/// server name, for the `tls-not-decrypted` notice: BITS over HTTPS is invisible without
/// decryption, and a capture of it must not look like a capture without BITS.
public final class TLSConnectionTally {
    /// Distinct server and server-name pairs named in the notice; further ones are counted together.
    public static let maxEntries = 32

    /// TLS connections seen.
    public private(set) var connections = 0
    private var entries: [(server: Endpoint, serverName: String?, count: Int)] = []
    private var otherConnections = 0

    /// An empty tally.
    public init() {}

    /// Counts one TLS connection to `server`, which the client asked for as `serverName`.
    func record(server: Endpoint, serverName: String?) {
        connections += 1
        if let index = entries.firstIndex(where: { $0.server == server && $0.serverName == serverName }) {
            entries[index].count += 1
        } else if entries.count < Self.maxEntries {
            entries.append((server, serverName, 1))
        } else {
            otherConnections += 1
        }
    }

    /// The `tls-not-decrypted` notice, when there was any TLS connection.
    func finding(time: CaptureTimestamp?) -> Finding? {
        guard connections > 0 else { return nil }
        var parts = entries.sorted { $0.count != $1.count ? $0.count > $1.count : "\($0.server)" < "\($1.server)" }
            .map { "\($0.server) " + ($0.serverName.map { "(SNI \($0))" } ?? "(no SNI)") + " x\($0.count)" }
        if otherConnections > 0 { parts.append("\(otherConnections) more to other servers") }
        return Finding(
            code: .tlsNotDecrypted, severity: .notice, time: time,
            message: "\(connections) TLS connection\(connections == 1 ? "" : "s") (HTTPS) not decrypted: "
                + parts.joined(separator: ", ")
                + "; BITS inside them cannot be seen (bitsnoop reads plain HTTP only)"
        )
    }
}
