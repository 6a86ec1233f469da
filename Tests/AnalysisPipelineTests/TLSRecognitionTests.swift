import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
import TrafficSynthesis

/// BITS over HTTPS cannot be read without decryption, but it must not look like a capture without
/// BITS: TLS is recognised by content on any port, counted by server and server name, reported once
/// as `tls-not-decrypted`, and never parsed as HTTP.
@Suite struct TLSRecognitionTests {
    /// A TLS 1.3 connection from `client` to `server`: a ClientHello (long enough for two segments
    /// when `padding` says so), a ServerHello, then encrypted records both ways.
    static func tlsConversation(
        client: Endpoint, server: Endpoint, serverName: String?, padding: Int, seed: UInt64,
        encapsulation: LinkEncapsulation = .ethernet(vlanTags: [])
    ) -> RenderedConversation {
        var random = SeededGenerator(seed: seed)
        var conversation = TCPConversation(client: client, server: server, clientISN: UInt32(truncatingIfNeeded: random.next()),
                                           serverISN: UInt32(truncatingIfNeeded: random.next()))
        conversation.clientSends(TLSRecordBuilder.clientHello(serverName: serverName, padding: padding, random: &random))
        conversation.serverSends(TLSRecordBuilder.serverHello(random: &random)
            + TLSRecordBuilder.applicationData(length: 2_000, random: &random))
        conversation.clientSends(TLSRecordBuilder.applicationData(length: 5_000, random: &random))
        conversation.serverSends(TLSRecordBuilder.applicationData(length: 200, random: &random))
        return conversation.render(encapsulation: encapsulation, seed: seed)
    }

    @Test("TLS beside a plain BITS upload: one notice naming servers, SNI and counts; the upload is as clean as alone")
    func tlsBesidePlainBITS() throws {
        let client = Endpoint(address: .v4(0xC000_0263), port: 50_000)
        let managementPoint = Endpoint(address: .v4(0xC633_6432), port: 443)
        let softwareUpdate = Endpoint(address: .v4(0xC633_6433), port: 8_531)
        var conversations = [
            Self.tlsConversation(client: client, server: managementPoint, serverName: "mp01.corp.example", padding: 0, seed: 1),
            Self.tlsConversation(client: Endpoint(address: client.address, port: 50_001), server: managementPoint,
                                 serverName: "mp01.corp.example", padding: 1_600, seed: 2),
            Self.tlsConversation(client: Endpoint(address: client.address, port: 50_002), server: softwareUpdate,
                                 serverName: nil, padding: 0, seed: 3),
        ]
        let upload = try #require(BITSScenarioCatalog.named("clean-upload")).build(seed: 4)
        conversations += upload.conversations
        let bytes = CaptureScenario(encapsulation: .ethernet(vlanTags: []), conversations: conversations).pcapFile()
        let (bits, findings) = try BITSScenarioTests.analyse(bytes)
        #expect(bits.tls.connections == 3)
        #expect(bits.sessions.map(\.state) == [.completed])
        #expect(findings.findings.map(\.code) == [.tlsNotDecrypted], "\(findings.findings.map(\.message))")
        let message = try #require(findings.findings.first?.message)
        #expect(message.hasPrefix("3 TLS connections (HTTPS) not decrypted: "), "\(message)")
        #expect(message.contains("198.51.100.50:443 (SNI mp01.corp.example) x2"), "\(message)")
        #expect(message.contains("198.51.100.51:8531 (no SNI) x1"), "\(message)")
    }

    @Test("a capture of HTTPS only says so, instead of looking like a capture without BITS")
    func httpsOnly() throws {
        let client = Endpoint(address: .v4(0xC000_0263), port: 50_000)
        let server = Endpoint(address: .v4(0xC633_6432), port: 443)
        let conversation = Self.tlsConversation(client: client, server: server, serverName: "bits.example", padding: 0,
                                                seed: 9, encapsulation: .linuxSLL)
        let bytes = CaptureScenario(encapsulation: .linuxSLL, conversations: [conversation]).pcapFile()
        let (bits, findings) = try BITSScenarioTests.analyse(bytes)
        #expect(bits.sessions.isEmpty)
        #expect(findings.findings.map(\.code) == [.tlsNotDecrypted])
        #expect(findings.findings.first?.severity == .notice)
    }
}
