@testable import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
@testable import TLSDecryption

/// What decryption met, told as findings: reasons with counts, failing records, skipped key log
/// lines; and the bounded table of each decrypted connection's facts for its sessions.
@Suite struct TLSDecryptionTallyTests {
    static func facts(_ reason: TLSNotDecryptedReason?, decrypted: Int = 0, failed: Int = 0) -> TLSConnectionFacts {
        var facts = TLSConnectionFacts()
        facts.notDecrypted = reason
        facts.client.recordsDecrypted = decrypted
        facts.server.recordsFailedAuthentication = failed
        if reason != nil { facts.server.recordsNotDecrypted = 2 }
        return facts
    }

    @Test("reasons counted and named, failing records apart, key log lines reported first")
    func findings() throws {
        var log = TLSKeyLog()
        log.add(text: "CLIENT_RANDOM 00 11\nCLIENT_RANDOM " + String(repeating: "ab", count: 32) + " "
            + String(repeating: "cd", count: 48) + "\n")
        let tally = TLSDecryptionTally(keyLog: log)
        tally.record(Self.facts(.noKey))
        tally.record(Self.facts(.noKey))
        tally.record(Self.facts(.unsupportedCipherSuite(0x0005)))
        tally.record(Self.facts(nil, decrypted: 40))
        tally.record(Self.facts(nil, decrypted: 10, failed: 3))
        #expect(tally.connections == 5)
        #expect(tally.decryptedConnections == 1)
        #expect(tally.notDecryptedConnections == 3)
        let findings = tally.findings(time: nil)
        #expect(findings.map(\.code) == [.tlsKeylogSkipped, .tlsNotDecrypted, .tlsDecryptFailed])
        #expect(findings[0].message.contains("1 malformed (1 secret lines used)"), "\(findings[0].message)")
        #expect(findings[1].message.hasPrefix("3 of 5 TLS connections not (fully) decrypted with the key log: "
            + "no key in the key log x2, unsupported cipher suite TLS_RSA_WITH_RC4_128_SHA x1; 6 records could not be read"),
                "\(findings[1].message)")
        #expect(findings[2].message.hasPrefix("3 TLS records on 1 connection failed authentication"))
        #expect(findings[2].severity == .warning)
    }

    @Test("all decrypted: nothing to say; distinct reasons past the bound are counted together")
    func quietAndBounded() {
        let quiet = TLSDecryptionTally(keyLog: TLSKeyLog())
        quiet.record(Self.facts(nil, decrypted: 5))
        #expect(quiet.findings(time: nil).isEmpty)
        let many = TLSDecryptionTally(keyLog: TLSKeyLog())
        for suite in 0..<UInt16(TLSDecryptionTally.maxReasons + 8) { many.record(Self.facts(.unsupportedVersion(suite))) }
        let message = many.findings(time: nil).first?.message ?? ""
        #expect(message.contains("8 for other reasons"), "\(message)")
    }

    @Test("a followed key log (live): waits given up are named in the notice and counted in stats; a complete one adds neither")
    func keyWaits() {
        var limits = TLSDecryptionLimits()
        limits.maxConnectionsWaitingForKeys = 1
        let keys = TLSKeyStore(keyLog: TLSKeyLog(), limits: limits) { _, _ in }
        #expect(keys.startWaiting())
        #expect(!keys.startWaiting(), "the only place is taken")
        keys.stopWaiting(.heldLimit)
        #expect(keys.startWaiting())
        keys.stopWaiting(.keysFound)
        let tally = TLSDecryptionTally(keys: keys, limits: limits)
        tally.record(Self.facts(.noKey))
        tally.record(Self.facts(.noKey))
        let message = tally.findings(time: nil).first { $0.code == .tlsNotDecrypted }?.message ?? ""
        #expect(message.hasSuffix("(1 held 256 KiB of records waiting for keys and gave up; "
                                  + "1 could not wait for keys (1 connections were waiting already))"), "\(message)")
        let counters = Dictionary(uniqueKeysWithValues: AnalysisCounters.decryption(tally))
        #expect(counters["tls_key_waits"] == 2 && counters["tls_key_waits_found"] == 1)
        #expect(counters["tls_key_waits_over_limit"] == 1 && counters["tls_key_waits_refused"] == 1)
        #expect(counters["tls_key_waits_ended_without_key"] == 0)

        let complete = TLSDecryptionTally(keyLog: TLSKeyLog())
        complete.record(Self.facts(.noKey))
        #expect(AnalysisCounters.decryption(complete).allSatisfy { !$0.0.hasPrefix("tls_key_waits") })
        #expect(complete.findings(time: nil).first?.message.hasSuffix("and BITS in them cannot be seen") == true)
    }

    @Test("the facts table keeps the newest connections only, and finds a session's first decrypted one")
    func factsTable() {
        let table = TLSConnectionFactsTable()
        let facts = TLSSessionFacts(version: "TLS 1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", serverName: "a.example")
        let total = TLSConnectionFactsTable.maxEntries * 2 + 5
        for id in 1...total { table.record(facts, connection: id) }
        var session = BITSSession(number: 1, sessionID: "{S}", url: "/u", host: nil,
                                  client: Endpoint(address: .v4(0x7F00_0001), port: 1), time: .zero)
        session.connections = [1, 2]
        #expect(table.facts(for: session) == nil, "the oldest were forgotten")
        session.connections = [1, total]
        #expect(table.facts(for: session) == facts)
        session.connections = [total - TLSConnectionFactsTable.maxEntries + 1]
        #expect(table.facts(for: session) == facts, "the bound itself is kept")
        session.connections = [total - TLSConnectionFactsTable.maxEntries]
        #expect(table.facts(for: session) == nil)
    }
}
