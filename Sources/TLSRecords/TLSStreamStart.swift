import AnalyzerCore

/// What the first bytes of one direction of a TCP connection say about TLS.
public enum TLSStreamStart: Equatable, Sendable {
    /// The bytes so far start a TLS handshake record that is not complete yet: feed more (up to
    /// ``TLSSniffer/maxProbeBytes``) to read the server name.
    case needMore
    /// Not TLS: the stream is something else (HTTP starts with a letter, never a TLS record type).
    case notTLS
    /// A TLS stream.
    case tls(TLSFirstFlight)
}

/// What the first TLS record of a direction tells.
public struct TLSFirstFlight: Equatable, Sendable {
    /// The record's content type: 22 handshake (a capture from the start), 23 application data
    /// (picked up mid-connection), 20 or 21.
    public var contentType: UInt8
    /// The handshake message type when the record is a handshake: 1 ClientHello, 2 ServerHello.
    public var handshakeType: UInt8?
    /// The server name a ClientHello asked for (`server_name`, RFC 6066 §3), when present and a
    /// well-formed host name.
    public var serverName: String?

    /// Creates the facts of a first record.
    public init(contentType: UInt8, handshakeType: UInt8? = nil, serverName: String? = nil) {
        self.contentType = contentType
        self.handshakeType = handshakeType
        self.serverName = serverName
    }
}

/// Recognises TLS by content, on any port, from the first bytes of a direction (RFC 8446 §5.1: a
/// record is a content type 20–23, version 3.x, a 16-bit length), and reads the server name of a
/// ClientHello (RFC 8446 §4.1.2, RFC 6066 §3). Every read is bounds-checked: hostile lengths end
/// the reading, never trap. Pure: no I/O, no state.
public enum TLSSniffer {
    /// The most bytes worth collecting before deciding: one record of the largest size TLS allows
    /// (2^14 plaintext plus 2,048 of expansion, RFC 8446 §5.2) and its 5-byte header.
    public static let maxProbeBytes = 5 + (1 << 14) + 2_048
    /// The longest server name read (a DNS name is at most 253 characters).
    public static let maxServerNameBytes = 253

    /// Classifies `bytes`, the first bytes of a direction. `.needMore` only for a handshake record
    /// that `bytes` does not hold whole yet; the caller decides with what it has once it holds
    /// ``maxProbeBytes`` or the stream stops (a record header alone already says TLS).
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> TLSStreamStart {
        let reader = ByteReader(bytes)
        guard let contentType = reader.getUInt8(at: 0) else { return .needMore }
        guard (20...23).contains(contentType) else { return .notTLS }
        guard let major = reader.getUInt8(at: 1) else { return .needMore }
        guard major == 3 else { return .notTLS }
        guard let minor = reader.getUInt8(at: 2), let length = reader.getUInt16(at: 3) else { return .needMore }
        guard minor <= 4, length > 0, Int(length) <= maxProbeBytes - 5 else { return .notTLS }
        guard contentType == 22 else { return .tls(TLSFirstFlight(contentType: contentType)) }
        guard let handshakeType = reader.getUInt8(at: 5) else { return .needMore }
        guard handshakeType == 1 else {
            return .tls(TLSFirstFlight(contentType: contentType, handshakeType: handshakeType))
        }
        guard bytes.count >= 5 + Int(length) else { return .needMore }
        let record = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[5..<(5 + Int(length))]))
        return .tls(TLSFirstFlight(contentType: contentType, handshakeType: 1, serverName: serverName(inClientHello: record)))
    }

    /// Like ``classify(_:)`` when no more bytes will come: a handshake record cut short is still TLS,
    /// without its server name.
    public static func classifyFinal(_ bytes: UnsafeRawBufferPointer) -> TLSStreamStart {
        switch classify(bytes) {
        case .needMore:
            let reader = ByteReader(bytes)
            guard bytes.count >= 5, let contentType = reader.getUInt8(at: 0) else { return .notTLS }
            return .tls(TLSFirstFlight(contentType: contentType, handshakeType: reader.getUInt8(at: 5)))
        case let decided:
            return decided
        }
    }

    /// The `server_name` of the ClientHello that `record` (a handshake record's body, or one whole
    /// ClientHello message with its 4-byte header) starts with; `nil` when absent or not a
    /// plausible host name.
    public static func serverName(inClientHello record: ByteReader) -> String? {
        // Handshake header: type (1), length (3); then legacy_version (2) and random (32).
        var cursor = 4 + 2 + 32
        guard let sessionIDLength = record.getUInt8(at: cursor) else { return nil }
        cursor += 1 + Int(sessionIDLength)
        guard let suitesLength = record.getUInt16(at: cursor) else { return nil }
        cursor += 2 + Int(suitesLength)
        guard let compressionLength = record.getUInt8(at: cursor) else { return nil }
        cursor += 1 + Int(compressionLength)
        guard let extensionsLength = record.getUInt16(at: cursor) else { return nil }
        cursor += 2
        let extensionsEnd = min(cursor + Int(extensionsLength), record.bytes.count)
        // Every step moves the cursor forward by at least 4: the walk ends within the record.
        while cursor + 4 <= extensionsEnd {
            guard let type = record.getUInt16(at: cursor), let length = record.getUInt16(at: cursor + 2) else { return nil }
            let dataStart = cursor + 4
            if type == 0 { return hostName(in: record, from: dataStart, to: min(dataStart + Int(length), extensionsEnd)) }
            cursor = dataStart + Int(length)
        }
        return nil
    }

    /// The first `host_name` entry of a `ServerNameList` between `start` and `end`, if it is a
    /// plausible DNS name (letters, digits, `-`, `.`, `_`); anything else from the wire is dropped.
    private static func hostName(in record: ByteReader, from start: Int, to end: Int) -> String? {
        guard let nameType = record.getUInt8(at: start + 2), nameType == 0,
              let nameLength = record.getUInt16(at: start + 3) else { return nil }
        let nameStart = start + 5
        let nameEnd = nameStart + Int(nameLength)
        guard nameLength > 0, Int(nameLength) <= maxServerNameBytes, nameEnd <= end, nameEnd <= record.bytes.count
        else { return nil }
        var name = ""
        for offset in nameStart..<nameEnd {
            guard let byte = record.getUInt8(at: offset) else { return nil }
            let allowed = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F
            guard allowed else { return nil }
            name.unicodeScalars.append(Unicode.Scalar(byte))
        }
        return name
    }
}
