import Testing
@testable import TrafficSynthesis

/// The generator's certificate must be well-formed DER with X.509's outline, so that dissectors
/// reading the Certificate message do not report it malformed.
@Suite struct TLSSyntheticCertificateTests {
    /// One DER element at `offset`: tag, content range, and the offset after it; nil when a length
    /// runs past `end` or uses a form DER forbids.
    static func element(_ bytes: [UInt8], at offset: Int, end: Int) -> (tag: UInt8, content: Range<Int>, next: Int)? {
        guard offset + 2 <= end else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1]), start = offset + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 2, start + count <= end else { return nil }
            length = bytes[start..<(start + count)].reduce(0) { $0 << 8 | Int($1) }
            guard length >= 0x80, count == 1 || length >= 0x100 else { return nil }  // minimal lengths
            start += count
        }
        guard start + length <= end else { return nil }
        return (tag, start..<(start + length), start + length)
    }

    /// The tags of the children of a constructed element, each checked to fill its parent exactly.
    static func children(_ bytes: [UInt8], _ range: Range<Int>) -> [UInt8]? {
        var tags: [UInt8] = [], offset = range.lowerBound
        while offset < range.upperBound {
            guard let child = element(bytes, at: offset, end: range.upperBound) else { return nil }
            if child.tag & 0x20 != 0, children(bytes, child.content) == nil { return nil }
            tags.append(child.tag)
            offset = child.next
        }
        return tags
    }

    @Test("DER throughout: Certificate = SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, X.509 v3 fields")
    func wellFormed() throws {
        var random = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let certificate = TLSSyntheticCertificate.make(serverName: "bits.example", random: &random)
            let outer = try #require(Self.element(certificate, at: 0, end: certificate.count))
            #expect(outer.tag == 0x30 && outer.next == certificate.count)
            #expect(Self.children(certificate, outer.content) == [0x30, 0x30, 0x03])
            let tbs = try #require(Self.element(certificate, at: outer.content.lowerBound, end: outer.content.upperBound))
            // version [0], serial, signature, issuer, validity, subject, subjectPublicKeyInfo
            #expect(Self.children(certificate, tbs.content) == [0xA0, 0x02, 0x30, 0x30, 0x30, 0x30, 0x30])
            #expect(String(decoding: certificate, as: UTF8.self).contains("bits.example"))
        }
    }
}
