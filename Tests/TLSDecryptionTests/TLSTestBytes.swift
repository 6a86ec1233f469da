import Crypto
import Foundation
import _CryptoExtras

/// Bytes from hex text; spaces and line breaks are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }.map { Character($0) }
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Hex text of bytes, lower case.
func hexText(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// A TLS record around `body`.
func record(_ type: UInt8, _ body: [UInt8], version: UInt16 = 0x0303) -> [UInt8] {
    [type, UInt8(version >> 8), UInt8(version & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
}

/// A handshake message: type, 24-bit length, body.
func handshake(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
    [type, UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)] + body
}

/// One extension: type, length, data.
func tlsExtension(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
    [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(data.count >> 8), UInt8(data.count & 0xFF)] + data
}

private func vector16(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes }

/// A ClientHello body (without its handshake header).
func clientHelloBody(random: [UInt8], sessionID: [UInt8] = [], serverName: String? = nil, suites: [UInt16] = [0x1301],
                     extensions: [[UInt8]] = []) -> [UInt8] {
    var body: [UInt8] = [3, 3] + random + [UInt8(sessionID.count)] + sessionID
    body += vector16(suites.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    body += [1, 0]
    var all = extensions
    if let serverName {
        let name = Array(serverName.utf8)
        all.insert(tlsExtension(0, vector16([0] + vector16(name))), at: 0)
    }
    return body + vector16(all.flatMap { $0 })
}

/// A ServerHello body.
func serverHelloBody(random: [UInt8], sessionID: [UInt8] = [], suite: UInt16, extensions: [[UInt8]] = []) -> [UInt8] {
    [3, 3] + random + [UInt8(sessionID.count)] + sessionID + [UInt8(suite >> 8), UInt8(suite & 0xFF), 0]
        + vector16(extensions.flatMap { $0 })
}

/// `supported_versions` as a client offers it and as a server selects it.
let offerTLS13 = tlsExtension(0x002B, [2, 3, 4])
let selectTLS13 = tlsExtension(0x002B, [3, 4])

/// Deterministic filler bytes.
func filler(_ count: Int, seed: UInt8) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7 &+ 1) }
}
