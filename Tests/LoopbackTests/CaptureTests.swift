import Foundation
import Testing

/// Real traffic captured on lo with tcpdump while the client runs every scenario.
@Suite struct CaptureTests {
    @Test("tcpdump on lo records the whole BITS exchange of --scenario all",
          .enabled(if: LoopbackCapture.unavailableReason == nil, "needs root and tcpdump (CI runs as root)"))
    func captureAllScenarios() throws {
        let recording = try LoopbackCapture.record()
        defer { try? FileManager.default.removeItem(atPath: recording.pcapPath) }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: recording.pcapPath)))
        try #require(bytes.count > 24, "capture file has no header")
        let magic = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let littleEndian = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D
        #expect(littleEndian || magic == 0xD4C3_B2A1 || magic == 0x4D3C_B2A1, "pcap magic \(String(magic, radix: 16))")
        #expect(countRecords(bytes, littleEndian: littleEndian) > 2 * recording.manifest.sessions.count)
        // Every payload byte went over lo, so the capture holds at least the uploaded bytes...
        #expect(bytes.count > recording.manifest.uploadBytes, "tcpdump: \(recording.tcpdumpReport)")
        // ...and the BITS messages themselves: every session ID appears in the captured payload.
        for session in recording.manifest.sessions {
            #expect(bytes.firstRange(of: Array(session.sessionID.utf8)) != nil,
                    "\(session.sessionID) not captured; tcpdump: \(recording.tcpdumpReport)")
        }
        #expect(recording.manifest.sessions.count == 6)
        #expect(recording.serverReport.sessions.map(\.sessionID) == recording.manifest.sessions.map(\.sessionID))
    }

    /// Counts pcap records by walking their headers; stops at a truncated record.
    private func countRecords(_ bytes: [UInt8], littleEndian: Bool) -> Int {
        func word(_ at: Int) -> Int {
            let value = (0..<4).map { UInt32(bytes[at + $0]) }
            let combined = littleEndian
                ? value[0] | value[1] << 8 | value[2] << 16 | value[3] << 24
                : value[3] | value[2] << 8 | value[1] << 16 | value[0] << 24
            return Int(combined)
        }
        var offset = 24
        var count = 0
        while offset + 16 <= bytes.count {
            let next = offset + 16 + word(offset + 8)
            guard next <= bytes.count else { break }
            count += 1
            offset = next
        }
        return count
    }
}
