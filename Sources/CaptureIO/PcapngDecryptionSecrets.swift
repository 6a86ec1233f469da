import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The TLS key log text a pcapng file carries in Decryption Secrets Blocks (pcapng draft §4.7:
/// block type 0x0000000A, secrets type 0x544C534B "TLSK" = NSS key log text), which is what
/// `editcap --inject-secrets tls,FILE` writes. libpcap skips these blocks, so they are read here,
/// by path, apart from the packet reading.
///
/// Only the blocks before the first packet block are read (editcap writes its secrets right after
/// the Section Header Block), so a large capture costs a few reads of block headers, not a walk of
/// every packet. Compressed files and standard input are not looked at. Every length is checked:
/// a hostile file ends the walk, never traps, and the text kept is bounded by ``maxSecretsBytes``.
public enum PcapngDecryptionSecrets {
    /// The most secret bytes kept from one file (64 MiB: about 90,000 TLS 1.3 connections).
    public static let maxSecretsBytes = 64 << 20
    /// Blocks looked at before giving up the search for secrets.
    public static let maxBlocksWalked = 4_096
    /// The Decryption Secrets Block's type.
    static let blockType: UInt32 = 0x0000_000A
    /// Secrets type of TLS key log text.
    static let tlsKeyLogType: UInt32 = 0x544C_534B
    /// Block types that carry packets: the secrets search stops at the first.
    private static let packetTypes: Set<UInt32> = [2, 3, 6]

    /// What a file held.
    public struct Found: Sendable, Equatable {
        /// The key log text of every TLS secrets block, concatenated (each ends with a line feed).
        public var keyLogText: [UInt8] = []
        /// TLS secrets blocks read.
        public var blocks = 0
        /// Secret bytes not kept because of ``maxSecretsBytes``.
        public var bytesOverLimit = 0
    }

    /// The TLS secrets of the pcapng file at `path`; empty for anything else (a pcap, a compressed
    /// file, a file that cannot be opened: reading the capture reports those).
    public static func read(path: String) -> Found {
        var found = Found()
        guard path != "-" else { return found }
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { return found }
        defer { close(descriptor) }
        var offset: Int64 = 0
        var endianness = Endianness.little
        for _ in 0..<maxBlocksWalked {
            guard let header = bytes(descriptor, at: offset, count: 12), header.count == 12 else { break }
            // The Section Header Block's type reads the same in both byte orders; its magic sets
            // the order of everything after it.
            let isSectionHeader = word(header, 0, .little) == PcapngBlockReader.sectionHeaderType
            if offset == 0, !isSectionHeader { break }
            if isSectionHeader {
                let magic = word(header, 8, .little)
                if magic == PcapngBlockReader.byteOrderMagic { endianness = .little }
                else if magic == PcapngBlockReader.byteOrderMagic.byteSwapped { endianness = .big }
                else { break }
            }
            let type = word(header, 0, endianness)
            let rawLength = word(header, 4, endianness)
            guard rawLength >= 12, rawLength % 4 == 0, !packetTypes.contains(type) else { break }
            if type == blockType {
                secrets(descriptor, block: offset, length: Int(rawLength), endianness: endianness, into: &found)
            }
            offset += Int64(rawLength)
        }
        return found
    }

    /// Adds the TLS key log text of the secrets block at `block` (`length` bytes in all).
    private static func secrets(_ descriptor: Int32, block: Int64, length: Int, endianness: Endianness, into found: inout Found) {
        guard let head = bytes(descriptor, at: block + 8, count: 8), head.count == 8,
              word(head, 0, endianness) == tlsKeyLogType
        else { return }
        let count = Int(word(head, 4, endianness))
        guard count <= length - 20 else { return }  // 16 header bytes and the 4-byte trailer
        let room = maxSecretsBytes - found.keyLogText.count
        guard count <= room else {
            found.bytesOverLimit += count
            return
        }
        guard let text = bytes(descriptor, at: block + 16, count: count), text.count == count else { return }
        found.keyLogText += text
        if text.last != 0x0A { found.keyLogText.append(0x0A) }
        found.blocks += 1
    }

    /// The 32-bit word at `at` of `bytes` (which holds at least `at + 4`) in `endianness`.
    private static func word(_ bytes: [UInt8], _ at: Int, _ endianness: Endianness) -> UInt32 {
        let value = bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return endianness == .big ? value : value.byteSwapped
    }

    /// Up to `count` bytes at `offset`, or `nil` on a read error.
    private static func bytes(_ descriptor: Int32, at offset: Int64, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled)) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { return nil }
            if got == 0 { break }
            filled += got
        }
        return Array(buffer[..<filled])
    }
}
