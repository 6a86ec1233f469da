/// Following the handshake: hellos, key lookup, and each direction's key changes.
extension TLSConnectionDecryptor {
    /// One complete handshake message from `side`.
    func message(_ type: UInt8, _ body: [UInt8], from side: TLSSide) {
        switch (type, side) {
        case (TLSHandshakeType.clientHello, .client):
            clientHelloReceived(body)
        case (TLSHandshakeType.serverHello, .server):
            serverHelloReceived(body)
        case (TLSHandshakeType.clientKeyExchange, .client):
            sawClientKeyExchange = true
        case (TLSHandshakeType.finished, _):
            finished(side)
        case (TLSHandshakeType.keyUpdate, _):
            keyUpdate(side)
        default:
            break
        }
    }

    private func clientHelloReceived(_ body: [UInt8]) {
        // The second ClientHello after a HelloRetryRequest keeps the random of the first.
        guard clientHello == nil else { return }
        guard let hello = TLSHelloParser.clientHello(body) else { stop(.protocolError); return }
        clientHello = hello
        recorded.serverName = hello.serverName
    }

    private func serverHelloReceived(_ body: [UInt8]) {
        guard serverHello == nil else { return }
        guard let hello = TLSHelloParser.serverHello(body) else { stop(.protocolError); return }
        if hello.isHelloRetryRequest {
            recorded.helloRetryRequest = true
            return
        }
        serverHello = hello
        recorded.version = hello.version
        recorded.cipherSuite = hello.cipherSuite
        guard let clientHello else { stop(.startedAfterHandshake); return }
        switch hello.version {
        case 0x0304: startTLS13(clientHello, hello)
        case 0x0303: prepareTLS12(clientHello, hello)
        default: stop(.unsupportedVersion(hello.version))
        }
    }

    /// TLS 1.3: from the ServerHello on, both directions use their handshake traffic secrets; each
    /// moves to its first application secret after its own Finished.
    private func startTLS13(_ clientHello: TLSClientHelloFacts, _ hello: TLSServerHelloFacts) {
        recorded.resumed = hello.preSharedKey
        clientSide.encrypted = true
        serverSide.encrypted = true
        guard let suite = TLSCipherSuite.supported(hello.cipherSuite), suite.isTLS13 else {
            stop(.unsupportedCipherSuite(hello.cipherSuite))
            return
        }
        self.suite = suite
        let entry = lookUp(clientHello.random) { Self.tls13Ready($0, suite) }
        // A client writes these secrets after reading the ServerHello: with a growing key log, wait.
        if !(entry.map { Self.tls13Ready($0, suite) } ?? false), beginWaiting(.tls13) { return }
        keyTLS13(entry)
    }

    /// TLS 1.3: all four traffic secrets of the connection, as long as the suite's hash.
    static func tls13Ready(_ entry: TLSKeyLogEntry, _ suite: TLSCipherSuite) -> Bool {
        [entry.clientHandshakeTrafficSecret, entry.serverHandshakeTrafficSecret, entry.clientTrafficSecret0,
         entry.serverTrafficSecret0].allSatisfy { $0?.count == suite.hash.length }
    }

    /// TLS 1.3: keys both directions with `entry`'s secrets (the handshake's at once, the
    /// application's for after each Finished), or records that there are none.
    func keyTLS13(_ entry: TLSKeyLogEntry?) {
        guard let suite, let entry,
              let clientSecret = entry.clientHandshakeTrafficSecret, let serverSecret = entry.serverHandshakeTrafficSecret,
              clientSecret.count == suite.hash.length, serverSecret.count == suite.hash.length
        else { stop(.noKey); return }
        secrets = entry
        clientSide.activate(TLSRecordProtection(suite: suite, keys: .tls13(secret: clientSecret, suite: suite)))
        serverSide.activate(TLSRecordProtection(suite: suite, keys: .tls13(secret: serverSecret, suite: suite)))
        clientSide.next = applicationProtection(entry.clientTrafficSecret0, suite)
        serverSide.next = applicationProtection(entry.serverTrafficSecret0, suite)
        clientSide.nextTrafficSecret = entry.clientTrafficSecret0
        serverSide.nextTrafficSecret = entry.serverTrafficSecret0
    }

    private func applicationProtection(_ secret: [UInt8]?, _ suite: TLSCipherSuite) -> TLSRecordProtection? {
        guard let secret, secret.count == suite.hash.length else { return nil }
        return TLSRecordProtection(suite: suite, keys: .tls13(secret: secret, suite: suite))
    }

    /// TLS 1.2: the keys wait for each direction's ChangeCipherSpec.
    private func prepareTLS12(_ clientHello: TLSClientHelloFacts, _ hello: TLSServerHelloFacts) {
        recorded.extendedMasterSecret = clientHello.extendedMasterSecret && hello.extendedMasterSecret
        recorded.encryptThenMAC = clientHello.encryptThenMAC && hello.encryptThenMAC
        recorded.resumed = !hello.sessionID.isEmpty && hello.sessionID == clientHello.sessionID
        guard let suite = TLSCipherSuite.supported(hello.cipherSuite), !suite.isTLS13 else {
            stop(.unsupportedCipherSuite(hello.cipherSuite))
            return
        }
        self.suite = suite
        let entry = lookUp(clientHello.random) { $0.masterSecret != nil }
        if entry?.masterSecret == nil, keys.keysMayArrive, !waited {
            // A client writes the master secret when it sends its key exchange, after this
            // ServerHello: the keys are looked for again at the first ChangeCipherSpec.
            pendingKeys = .tls12
            return
        }
        keyTLS12(entry)
    }

    /// TLS 1.2: makes both directions' next keys from `entry`'s master secret, or records that
    /// there is none.
    func keyTLS12(_ entry: TLSKeyLogEntry?) {
        guard let suite, let clientHello, let hello = serverHello else { return }
        guard let entry, let master = entry.masterSecret else { stop(.noKey); return }
        secrets = entry
        let keys = TLSTrafficKeys.tls12(masterSecret: master, clientRandom: clientHello.random.bytes,
                                        serverRandom: hello.random, suite: suite)
        // encrypt_then_mac changes nothing for AEAD suites (RFC 7366 §3).
        let etm = recorded.encryptThenMAC && suite.cipher == .aesCBC
        clientSide.next = TLSRecordProtection(suite: suite, keys: keys.client, encryptThenMAC: etm)
        serverSide.next = TLSRecordProtection(suite: suite, keys: keys.server, encryptThenMAC: etm)
    }

    /// A ChangeCipherSpec record: in TLS 1.2 the sender's next records use the new keys; in TLS 1.3
    /// it is only for middleboxes (RFC 8446 §5) and changes nothing.
    func changeCipherSpec(_ side: TLSSide) {
        let direction = direction(side)
        guard serverHello != nil else {
            // The server changes keys only after its ServerHello (or sends a middlebox one after a
            // HelloRetryRequest): it was missed. A client may send its middlebox ChangeCipherSpec
            // before the ServerHello in TLS 1.3.
            if side == .server, !recorded.helloRetryRequest { direction.encrypted = true }
            return
        }
        guard recorded.version != 0x0304 else { return }
        guard !direction.encrypted else { return }
        if side == .server, !sawClientKeyExchange, serverHello != nil { recorded.resumed = true }
        direction.activate(direction.next)
        direction.next = nil
        if direction.current == nil { stop(.noKey) }
    }

    /// TLS 1.3: a direction's Finished ends its handshake epoch.
    private func finished(_ side: TLSSide) {
        guard recorded.version == 0x0304 else { return }
        let direction = direction(side)
        guard direction.next != nil else {
            if direction.current != nil { stop(.noKey) }
            direction.current = nil
            return
        }
        direction.switchToNext()
    }

    /// TLS 1.3 KeyUpdate: the sender's next records use the next application secret (RFC 8446 §7.2).
    private func keyUpdate(_ side: TLSSide) {
        let direction = direction(side)
        guard recorded.version == 0x0304, let suite, let secret = direction.trafficSecret else { return }
        let updated = TLSKeyDerivation.nextTrafficSecret(secret, hash: suite.hash)
        direction.trafficSecret = updated
        direction.current = TLSRecordProtection(suite: suite, keys: .tls13(secret: updated, suite: suite))
        direction.sequence = 0
        direction.counters.keyUpdates += 1
    }
}
