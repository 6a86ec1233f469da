import AnalyzerCore
import PacketDecoding
import Testing

/// A full frame whose TCP payload starts at `headerBytes`.
struct FullFrame: Sendable, CustomTestStringConvertible {
    var name: String
    var linkType: LinkType
    var bytes: [UInt8]
    var headerBytes: Int
    var isV6: Bool
    var testDescription: String { name }
}

private typealias B = PacketBuilder

let fullFrames: [FullFrame] = {
    let tcpOptions: [UInt8] = [2, 4, 5, 0xB4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]
    let tcp = B.tcp(options: tcpOptions)
    let v4 = B.ipv4(options: [7, 7, 4, 0, 0, 0, 0, 0], payload: tcp)
    let chain = B.extensionHeader(next: 60) + B.extensionHeader(next: 51, lengthField: 1)
        + B.authenticationHeader(next: 6)
    let v6 = B.ipv6(nextHeader: 0, payload: chain + tcp)
    func make(_ name: String, _ linkType: LinkType, _ frame: [UInt8], _ isV6: Bool) -> FullFrame {
        FullFrame(name: name, linkType: linkType, bytes: frame, headerBytes: frame.count - B.payload.count, isV6: isV6)
    }
    return [
        make("Ethernet QinQ IPv4", .ethernet, B.ethernet(v4, etherType: 0x0800, tags: [0x88A8, 0x8100]), false),
        make("Ethernet IPv6 chain", .ethernet, B.ethernet(v6, etherType: 0x86DD), true),
        make("SLL IPv4", .linuxSLL, B.linuxCooked(v4, protocolType: 0x0800), false),
        make("SLL2 IPv6", .linuxSLL2, B.linuxCookedV2(v6, protocolType: 0x86DD), true),
        make("NULL IPv6", .null, B.null(v6, family: 28, bigEndian: true), true),
        make("LOOP IPv4", .loop, B.loop(v4, family: 2), false),
        make("RAW IPv4", .raw, v4, false),
        make("RAW IPv6", .linktypeRaw, v6, true),
        make("IPV4", .ipv4, v4, false),
        make("IPV6", .ipv6, v6, true),
    ]
}()

@Suite("Truncation")
struct TruncationTests {
    @Test("a cut at every byte index is .truncated inside headers and a short payload after them", arguments: fullFrames)
    func cutEverywhere(_ frame: FullFrame) {
        let decoder = PacketDecoder()
        for cut in 0...frame.bytes.count {
            let captured = Array(frame.bytes.prefix(cut))
            let outcome = decoder.decode(captured, linkType: frame.linkType, originalLength: frame.bytes.count)
            if cut < frame.headerBytes {
                #expect(outcome == .truncated, "cut at \(cut)")
            } else {
                let payload = Array(B.payload.prefix(cut - frame.headerBytes))
                let expected = expectedSegment(v6: frame.isV6, payload: payload, payloadLength: B.payload.count)
                #expect(outcome == .tcp(expected), "cut at \(cut)")
            }
        }
        // Every cut but the whole frame was counted once as truncated; nothing was malformed.
        #expect(decoder.statistics.truncated == frame.bytes.count)
        #expect(decoder.statistics.truncatedPayloads == B.payload.count)
        #expect(decoder.statistics.malformed == 0)
        #expect(decoder.statistics.outcomesAddUp)
    }
}
