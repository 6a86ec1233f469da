/// One direction of a TLS connection, named by who sends it.
public enum TLSSide: Sendable, Equatable {
    /// Client to server.
    case client
    /// Server to client.
    case server
}

/// Why some or all of a connection was not decrypted (`tls-not-decrypted`).
public enum TLSNotDecryptedReason: Sendable, Equatable {
    /// The key log has no secret for this connection's client random (or lacks one it needs).
    case noKey
    /// The server chose a suite this module does not decrypt (its IANA number).
    case unsupportedCipherSuite(UInt16)
    /// A protocol version other than TLS 1.2 and 1.3 (its number: 0x0301 is TLS 1.0).
    case unsupportedVersion(UInt16)
    /// The capture has no ClientHello and ServerHello for the connection: it began after the handshake.
    case startedAfterHandshake
    /// The ClientHello was read but no usable ServerHello (the server's direction was not captured,
    /// or its ServerHello was damaged), so neither the version nor the suite is known.
    case serverHelloMissing
    /// Records the client sent before the ServerHello: TLS 1.3 0-RTT early data, which is not decrypted.
    case earlyData
    /// A gap took bytes of the handshake, or record boundaries that no record proved again.
    case gap
    /// Bytes that are not TLS records, or a hello that cannot be read.
    case protocolError
    /// A handshake message longer than ``TLSDecryptionLimits/maxHandshakeMessageBytes``.
    case handshakeMessageTooLong
}

/// What happened to one direction's records.
public struct TLSDirectionCounters: Sendable, Equatable {
    /// Protected records that authenticated and were decrypted.
    public var recordsDecrypted = 0
    /// Protected records whose tag or MAC did not match (`tls-decrypt-failed`): wrong keys, or damage.
    public var recordsFailedAuthentication = 0
    /// Protected records seen without keys to try (`tls-not-decrypted`).
    public var recordsNotDecrypted = 0
    /// Records known lost to gaps (cut by one, or skipped until a later record authenticated).
    public var recordsLost = 0
    /// Bytes the direction's gaps took.
    public var bytesLost: UInt64 = 0
    /// Times record boundaries were found again after a gap by a record that authenticated.
    public var resynchronisations = 0
    /// Application data bytes handed out.
    public var applicationBytes: UInt64 = 0
    /// TLS 1.3 KeyUpdates followed.
    public var keyUpdates = 0

    /// All zero.
    public init() {}
}

/// The facts of one connection, for reports: what was negotiated and what was decrypted.
public struct TLSConnectionFacts: Sendable, Equatable {
    /// The negotiated version (0x0303 TLS 1.2, 0x0304 TLS 1.3), once the ServerHello is read.
    public var version: UInt16?
    /// The negotiated suite's number.
    public var cipherSuite: UInt16?
    /// The ClientHello's server name.
    public var serverName: String?
    /// The server answered with a HelloRetryRequest first.
    public var helloRetryRequest = false
    /// The handshake resumed a session (TLS 1.2 by session ID or ticket; TLS 1.3 by PSK).
    public var resumed = false
    /// TLS 1.2 extended master secret (RFC 7627) negotiated.
    public var extendedMasterSecret = false
    /// TLS 1.2 encrypt_then_mac (RFC 7366) negotiated (it matters for CBC suites only).
    public var encryptThenMAC = false
    /// Why the connection is (partly) not decrypted; `nil` while nothing stands in the way.
    public var notDecrypted: TLSNotDecryptedReason?
    /// Client-to-server records.
    public var client = TLSDirectionCounters()
    /// Server-to-client records.
    public var server = TLSDirectionCounters()

    /// No facts yet.
    public init() {}

    /// The IANA name of the suite (`0x1304`-style for unknown ones).
    public var cipherSuiteName: String? { cipherSuite.map(TLSCipherSuite.name(of:)) }
}

/// What a direction yields, in stream order.
public enum TLSPlaintextEvent {
    /// Decrypted application data, borrowed for the call.
    case data(UnsafeRawBufferPointer)
    /// Application data was lost: `records` records that could not be decrypted (lost to a gap or
    /// failing authentication), so the plaintext stream has a hole of unknown length here.
    case lost(records: Int)
}
