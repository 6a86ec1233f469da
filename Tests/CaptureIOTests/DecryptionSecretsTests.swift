import AnalyzerCore
import CaptureIO
import Foundation
import Testing

/// Decryption Secrets Blocks read apart from libpcap: each TLS key log block before the packets,
/// in either byte order, with hostile lengths ending the walk instead of trapping.
@Suite struct DecryptionSecretsTests {
    /// A pcapng block of `type` with `body` (padded to 4 bytes) in `order`.
    static func block(_ type: UInt32, _ body: [UInt8], big: Bool = false) -> [UInt8] {
        let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
        let length = UInt32(12 + padded.count)
        return word(type, big) + word(length, big) + padded + word(length, big)
    }

    static func word(_ value: UInt32, _ big: Bool) -> [UInt8] {
        withUnsafeBytes(of: big ? value.bigEndian : value.littleEndian, Array.init)
    }

    static func sectionHeader(big: Bool = false) -> [UInt8] {
        // Magic, version 1.0, section length unknown (-1).
        block(0x0A0D_0D0A, word(0x1A2B_3C4D, big) + (big ? [0, 1, 0, 0] : [1, 0, 0, 0]) + [UInt8](repeating: 0xFF, count: 8), big: big)
    }

    static func secrets(_ text: String, type: UInt32 = 0x544C_534B, big: Bool = false) -> [UInt8] {
        let bytes = Array(text.utf8)
        return block(0x0000_000A, word(type, big) + word(UInt32(bytes.count), big) + bytes
            + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4), big: big)
    }

    static func read(_ bytes: [UInt8]) throws -> PcapngDecryptionSecrets.Found {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dsb-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return PcapngDecryptionSecrets.read(path: path)
    }

    static let lineA = "CLIENT_RANDOM " + String(repeating: "11", count: 32) + " " + String(repeating: "22", count: 48)
    static let lineB = "CLIENT_RANDOM " + String(repeating: "33", count: 32) + " " + String(repeating: "44", count: 48)

    @Test("TLS key log blocks before the packets are read, in both byte orders; other secrets types are not")
    func readsBlocks() throws {
        for big in [false, true] {
            let file = Self.sectionHeader(big: big) + Self.secrets(Self.lineA + "\n", big: big)
                + Self.secrets("WireGuard", type: 0x5747_4B4C, big: big) + Self.secrets(Self.lineB, big: big)
                + Self.block(1, [1, 0, 0, 0, 0, 0, 4, 0], big: big)  // an interface description
                + Self.block(6, [UInt8](repeating: 0, count: 20), big: big)  // a packet: the search ends
                + Self.secrets("CLIENT_RANDOM after the packets\n", big: big)
            let found = try Self.read(file)
            #expect(found.blocks == 2, "big endian: \(big)")
            #expect(String(decoding: found.keyLogText, as: UTF8.self) == Self.lineA + "\n" + Self.lineB + "\n")
        }
    }

    @Test("a pcap file, a cut block and a secrets length past its block yield nothing, without trapping")
    func hostile() throws {
        #expect(try Self.read([0xD4, 0xC3, 0xB2, 0xA1] + [UInt8](repeating: 0, count: 40)).blocks == 0)
        let whole = Self.sectionHeader() + Self.secrets(Self.lineA)
        for cut in stride(from: 0, to: whole.count, by: 7) {
            #expect(try Self.read(Array(whole[..<cut])).keyLogText.isEmpty)
        }
        // Declares 4 GiB - 1 of secrets inside a short block.
        var lying = Self.secrets(Self.lineA)
        lying.replaceSubrange(12..<16, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(try Self.read(Self.sectionHeader() + lying).blocks == 0)
        // A block length that is not a multiple of 4 ends the walk.
        var odd = Self.secrets(Self.lineA)
        odd[4] &+= 1
        #expect(try Self.read(Self.sectionHeader() + odd).blocks == 0)
        #expect(PcapngDecryptionSecrets.read(path: "/nonexistent/capture.pcapng").blocks == 0)
    }
}
