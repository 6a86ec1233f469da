import AnalyzerCore

/// Wraps a scripted TCP conversation in TLS 1.3 with TLS_AES_128_GCM_SHA256, as an HTTPS client and
/// server would carry it: a full handshake first (ClientHello; ServerHello, a middlebox
/// ChangeCipherSpec and EncryptedExtensions, Certificate, CertificateVerify and Finished under the
/// server handshake traffic secret; the client's ChangeCipherSpec and Finished under its handshake
/// traffic secret), then every send of the script as application_data records of at most 2^14
/// bytes of plaintext under the application traffic secrets, and a close_notify alert from the
/// client at the end. Pauses are kept, and each send stays one send, so the planner segments the
/// TLS bytes like the plain ones (records spanning segments).
///
/// The secrets follow the real key schedule (``TLS13KeySchedule``) from a shared secret drawn from
/// the generator instead of an x25519 exchange: a decryptor uses only the logged secrets, which
/// ``Wrapped/keyLog`` gives as an NSS key log (SSLKEYLOGFILE) would.
public struct TLS13Wrapping: Sendable {
    /// The server name the ClientHello carries (and the certificate's subject).
    public var serverName: String

    /// Wrapping with `serverName` in the ClientHello.
    public init(serverName: String) {
        self.serverName = serverName
    }

    /// A conversation wrapped in TLS, and the key log lines for it.
    public struct Wrapped: Sendable {
        /// The conversation carrying the TLS bytes (same endpoints, timing and closing).
        public var conversation: TCPConversation
        /// CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0 and
        /// SERVER_TRAFFIC_SECRET_0 lines for the connection's client random, each ending in a newline.
        public var keyLog: String
        /// The handshake's secrets.
        public var secrets: TLS13KeySchedule.Secrets
        /// The ClientHello's random.
        public var clientRandom: [UInt8]
    }

    /// `conversation` wrapped in TLS 1.3; every random value (randoms, key shares, the shared
    /// secret, the certificate's serial, key and signature, CertificateVerify's signature) is drawn
    /// from `random`.
    public func wrap(_ conversation: TCPConversation, random: inout SeededGenerator) -> Wrapped {
        func draw(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        let clientRandom = draw(32), sessionID = draw(32)
        let clientHello = TLS13Handshake.clientHello(random: clientRandom, sessionID: sessionID, serverName: serverName,
                                                     keyShare: draw(32))
        let serverHello = TLS13Handshake.serverHello(random: draw(32), sessionID: sessionID, keyShare: draw(32))
        var transcript = clientHello + serverHello
        var secrets = TLS13KeySchedule.Secrets(sharedSecret: draw(32), helloTranscript: transcript)

        let certificate = TLSSyntheticCertificate.make(serverName: serverName, random: &random)
        var serverFlight = TLS13Handshake.encryptedExtensions() + TLS13Handshake.certificate(certificate)
        serverFlight += TLS13Handshake.certificateVerify(signature: draw(256))
        transcript += serverFlight
        let serverFinished = TLS13Handshake.finished(TLS13KeySchedule.finishedVerifyData(
            handshakeTrafficSecret: secrets.serverHandshake, transcript: transcript))
        serverFlight += serverFinished
        transcript += serverFinished
        secrets.applicationSecrets(transcript: transcript)
        let clientFinished = TLS13Handshake.finished(TLS13KeySchedule.finishedVerifyData(
            handshakeTrafficSecret: secrets.clientHandshake, transcript: transcript))

        var serverHandshake = TLS13RecordSealer(trafficSecret: secrets.serverHandshake)
        var clientHandshake = TLS13RecordSealer(trafficSecret: secrets.clientHandshake)
        var client = TLS13RecordSealer(trafficSecret: secrets.clientApplication)
        var server = TLS13RecordSealer(trafficSecret: secrets.serverApplication)
        let changeCipherSpec = TLS13Handshake.record(20, [1])

        var wrapped = conversation
        wrapped.steps = []
        // The ClientHello record says TLS 1.0, as clients' first records do (RFC 8446 §5.1).
        wrapped.clientSends(TLS13Handshake.record(22, clientHello, legacyVersion: 0x0301))
        wrapped.serverSends(TLS13Handshake.record(22, serverHello) + changeCipherSpec
            + serverHandshake.sealRecords(22, serverFlight))
        wrapped.clientSends(changeCipherSpec + clientHandshake.sealRecords(22, clientFinished))
        for step in conversation.steps {
            switch step {
            case .send(.clientToServer, let bytes): wrapped.clientSends(client.sealRecords(23, bytes))
            case .send(.serverToClient, let bytes): wrapped.serverSends(server.sealRecords(23, bytes))
            case .pause: wrapped.steps.append(step)
            }
        }
        if conversation.closing == .fin { wrapped.clientSends(client.sealRecords(21, [1, 0])) }  // close_notify

        let randomHex = hex(clientRandom)
        let keyLog = [("CLIENT_HANDSHAKE_TRAFFIC_SECRET", secrets.clientHandshake),
                      ("SERVER_HANDSHAKE_TRAFFIC_SECRET", secrets.serverHandshake),
                      ("CLIENT_TRAFFIC_SECRET_0", secrets.clientApplication),
                      ("SERVER_TRAFFIC_SECRET_0", secrets.serverApplication)]
            .map { "\($0.0) \(randomHex) \(hex($0.1))\n" }.joined()
        return Wrapped(conversation: wrapped, keyLog: keyLog, secrets: secrets, clientRandom: clientRandom)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
