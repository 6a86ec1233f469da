import Foundation
import Testing

/// A packet removed from the TLS leg of a real capture: the records it held are lost and reported,
/// and decryption resumes after them on the same connection.
@Suite(.serialized) struct TLSGapTests {
    /// `pcap` (tcpdump's, Ethernet over IPv4 on lo) without the middle one of the packets to
    /// `port` carrying more than 1,000 bytes of TCP payload; the number of such packets.
    static func droppingMiddlePacket(_ pcap: Data, toPort port: UInt16) throws -> (Data, Int) {
        let bytes = [UInt8](pcap)
        guard bytes.count >= 24, bytes[0..<4] == [0xD4, 0xC3, 0xB2, 0xA1] || bytes[0..<4] == [0x4D, 0x3C, 0xB2, 0xA1]
        else { throw LoopbackProcessError(description: "not a little-endian pcap") }
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        var records: [Range<Int>] = []
        var candidates: [Int] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let captured = u32(offset + 8)
            let end = offset + 16 + captured
            guard end <= bytes.count else { break }
            let frame = offset + 16
            // Ethernet (14), IPv4 with its IHL, then TCP's destination port and data offset.
            if captured > 14 + 20 + 20, bytes[frame + 12] == 0x08, bytes[frame + 13] == 0x00 {
                let ip = frame + 14
                let ipHeader = Int(bytes[ip] & 0x0F) * 4
                let total = Int(bytes[ip + 2]) << 8 | Int(bytes[ip + 3])
                let tcp = ip + ipHeader
                if tcp + 20 <= end, bytes[ip + 9] == 6 {
                    let destination = UInt16(bytes[tcp + 2]) << 8 | UInt16(bytes[tcp + 3])
                    let payload = total - ipHeader - Int(bytes[tcp + 12] >> 4) * 4
                    if destination == port, payload > 1_000 { candidates.append(records.count) }
                }
            }
            records.append(offset..<end)
            offset = end
        }
        guard candidates.count >= 3 else { throw LoopbackProcessError(description: "too few data packets: \(candidates.count)") }
        let dropped = candidates[candidates.count / 2]
        var out = Array(bytes[0..<24])
        for (index, record) in records.enumerated() where index != dropped { out += bytes[record] }
        return (Data(out), candidates.count)
    }

    @Test("a lost packet of a large TLS upload: records lost and counted, decryption goes on after it",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "")))
    func lostPacket() throws {
        let recording = try TLSLoopbackRecording.record(TLSRealStackTests.variants[0], scenarios: ["large", "clean"])
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let (damaged, _) = try Self.droppingMiddlePacket(
            Data(contentsOf: URL(fileURLWithPath: recording.pcapPath)), toPort: recording.tlsPort)
        let damagedPath = recording.folder.appendingPathComponent("damaged.pcap").path
        try damaged.write(to: URL(fileURLWithPath: damagedPath))
        let timeline = try TLSRealStackTests.analyse(damagedPath, ["--filter", "tcp port \(recording.tlsPort)",
                                                                   "--tls-keylog", recording.keyLogPath])
        let stats = timeline["stats"] as? [String: Any] ?? [:]
        #expect((stats["tls_records_lost"] as? Int ?? 0) > 0, "\(stats)")
        #expect(stats["tls_records_failed_authentication"] as? Int == 0)
        // The plaintext lost has no known length, and the desync says so rather than name a number.
        let findings = timeline["findings"] as? [[String: Any]] ?? []
        let desyncs = findings.filter { $0["code"] as? String == "http-desync" }.compactMap { $0["message"] as? String }
        #expect(!desyncs.isEmpty && desyncs.allSatisfy { $0.contains("an unknown number of missing byte(s)") }, "\(desyncs)")
        let sessions = timeline["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.count == 2)
        // The upload that lost a packet: every request after the loss was still read and answered.
        let large = try #require(recording.manifest.sessions.first)
        let damagedSession = sessions.first { $0["session_id"] as? String == large.sessionID }
        let types = (damagedSession?["requests"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }
        #expect(types.last == large.requests.last?.type, "\(types)")
        #expect(damagedSession?["bytes_acknowledged"] as? Int == large.requests.compactMap(\.received).last)
        // The next upload, on connections of its own, is untouched.
        let clean = try #require(recording.manifest.sessions.last)
        let cleanSession = sessions.first { $0["session_id"] as? String == clean.sessionID }
        #expect(cleanSession?["state"] as? String == clean.expectedState)
        let cleanFindings = cleanSession?["findings"] as? [String] ?? ["missing"]
        #expect(cleanFindings.isEmpty, "\(cleanFindings)")
    }
}
