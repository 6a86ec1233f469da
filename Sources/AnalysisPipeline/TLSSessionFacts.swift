import BITSAnalyzer
import TLSDecryption

/// What a decrypted connection negotiated, as a session's timeline shows it (`tls` member).
public struct TLSSessionFacts: Sendable, Equatable {
    /// `TLS 1.3`, `TLS 1.2`, or the version number in hex for others.
    public var version: String
    /// The suite's IANA name (`TLS_AES_128_GCM_SHA256`).
    public var cipherSuite: String?
    /// The server name the ClientHello asked for (SNI), when it sent one.
    public var serverName: String?

    /// Facts as given.
    public init(version: String, cipherSuite: String?, serverName: String?) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.serverName = serverName
    }

    /// The facts of a connection whose ServerHello was read; `nil` before.
    init?(_ facts: TLSConnectionFacts) {
        guard let number = facts.version else { return nil }
        version = switch number {
        case 0x0304: "TLS 1.3"
        case 0x0303: "TLS 1.2"
        default: "0x" + String(number, radix: 16, uppercase: true)
        }
        cipherSuite = facts.cipherSuiteName
        serverName = facts.serverName
    }
}

/// The TLS facts of recent decrypted connections by connection number, for the sessions that ran
/// on them. Bounded: past ``maxEntries`` the oldest connection's facts are forgotten (a session
/// that still needs them then has no `tls` member), so a capture of endless connections cannot
/// grow it.
public final class TLSConnectionFactsTable {
    /// Connections whose facts are kept (`tls.maxSessionFactsConnections` in docs/limits.md).
    public static let maxEntries = 16_384

    private var facts: [Int: TLSSessionFacts] = [:]
    /// Connection numbers in the order recorded; `first` is the oldest still kept.
    private var order: [Int] = []
    private var first = 0

    /// An empty table.
    public init() {}

    /// Keeps the facts of connection `id`.
    func record(_ value: TLSSessionFacts, connection id: Int) {
        guard facts.updateValue(value, forKey: id) == nil else { return }
        order.append(id)
        if order.count - first > Self.maxEntries {
            facts[order[first]] = nil
            first += 1
            // Drop the forgotten prefix now and then, so the array stays within twice the bound.
            if first >= Self.maxEntries {
                order.removeFirst(first)
                first = 0
            }
        }
    }

    /// The facts of the first of `session`'s connections that was decrypted, if any is still kept.
    public func facts(for session: BITSSession) -> TLSSessionFacts? {
        session.connections.lazy.compactMap { self.facts[$0] }.first
    }
}
