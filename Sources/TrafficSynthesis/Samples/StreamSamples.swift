import AnalyzerCore

/// The samples that show capture reading, decoding and TCP reassembly (`bitsnoop streams`): every
/// link framing, both file formats, and each impairment, with the per-connection byte counts a
/// correct reassembly gives.
public enum StreamSamples {
    /// Every stream sample, in a fixed order.
    public static func all() -> [SampleCapture] {
        [
            sample("streams-clean.pcap", "Ethernet, three clean HTTP-like connections (two IPv4, one IPv6), classic pcap",
                   .ethernet(vlanTags: []), .none, format: .pcap(.little, .microseconds), seed: 1),
            sample("streams-impaired-vlan.pcap",
                   "802.1Q VLAN; segments reordered, duplicated, overlapping and lost from the capture",
                   .ethernet(vlanTags: [100]),
                   Impairments(reorderProbability: 0.3, duplicateProbability: 0.2, overlapProbability: 0.2, lossCount: 2),
                   format: .pcap(.big, .microseconds), seed: 2),
            sample("streams-qinq-wrap.pcapng", "QinQ tags, sequence numbers wrapping past 2^32, pcapng with 2 interfaces",
                   .ethernet(vlanTags: [100, 200]), .none, format: .pcapng(.nanoseconds), seed: 3, wrap: true),
            sample("streams-midstream-sll2.pcap", "Linux cooked v2 (tcpdump -i any); capture starts mid-stream",
                   .linuxSLL2, Impairments(dropHandshake: true), format: .pcap(.little, .nanoseconds), seed: 4),
            sample("streams-fragments-raw.pcap", "Raw IP; every data packet split into IP fragments",
                   .raw, Impairments(ipFragmentPayload: 512), format: .pcap(.little, .microseconds), seed: 5),
            sample("streams-snaplen96-null.pcap", "BSD loopback (null), snapshot length 96: headers only",
                   .null(.little), Impairments(snapshotLength: 96), format: .pcap(.little, .microseconds), seed: 6),
            sample("streams-sll-reset.pcap", "Linux cooked v1 with one connection reset by the client",
                   .linuxSLL, .none, format: .pcap(.little, .microseconds), seed: 7, reset: true),
        ] + tunnelled()
    }

    /// Mirrored and tunnelled traffic, one sample per encapsulation family group (the capture fuzz
    /// target's seeds are made from the samples, so these also seed its tunnel decoders).
    static func tunnelled() -> [SampleCapture] {
        let stacks: [(String, String, String)] = [
            ("streams-tunnel-vxlan.pcap", "vxlan", "VXLAN (UDP 4789) between two VTEPs, inner Ethernet"),
            ("streams-tunnel-geneve.pcap", "geneve-ip-options", "GENEVE with options over IPv6, inner IP"),
            ("streams-tunnel-erspan.pcap", "erspan-iii-platform",
             "ERSPAN type III with a platform subheader in GRE over IPv6"),
            ("streams-tunnel-gre-key.pcap", "gre-key-sequence", "GRE with checksum, key and sequence number"),
            ("streams-tunnel-mpls-pw.pcap", "mpls-pseudowire",
             "Ethernet over an MPLS pseudowire (two labels, control word)"),
            ("streams-tunnel-pppoe-qinq.pcap", "pppoe-qinq", "PPPoE session behind QinQ tags"),
            ("streams-link-ppp.pcap", "ppp-hdlc", "PPP link type with HDLC-like framing"),
            ("streams-link-nflog.pcap", "nflog-le", "Linux NFLOG records (little-endian TLVs)"),
            ("streams-link-wifi.pcap", "wifi-radiotap-qos", "802.11 QoS data frames after radiotap, with FCS"),
        ]
        return stacks.enumerated().map { index, entry in
            let stack = EncapsulationStack.named(entry.1)!  // names from the catalogue above
            return sample(entry.0, entry.2, .stack(stack), .none, format: .pcap(.little, .microseconds),
                          seed: 20 + UInt64(index))
        }
    }

    /// How a sample's file is written.
    enum Format {
        case pcap(Endianness, TimestampPrecision)
        case pcapng(TimestampPrecision)
    }

    private static func sample(
        _ name: String, _ summary: String, _ encapsulation: LinkEncapsulation, _ impairments: Impairments,
        format: Format, seed: UInt64, wrap: Bool = false, reset: Bool = false
    ) -> SampleCapture {
        let scenario = CaptureScenario(
            encapsulation: encapsulation,
            conversations: conversations(encapsulation, impairments, seed: seed, wrap: wrap, reset: reset)
        )
        let bytes: [UInt8]
        switch format {
        case .pcap(let endianness, let precision): bytes = scenario.pcapFile(endianness: endianness, precision: precision)
        case .pcapng(let precision): bytes = scenario.pcapngFile(precision: precision, interfaceCount: 2)
        }
        return SampleCapture(fileName: name, summary: summary, bytes: bytes, expectedJSON: expectedJSON(scenario))
    }

    /// Three HTTP-like exchanges with readable text, so `streams --follow` shows something sensible.
    static func conversations(
        _ encapsulation: LinkEncapsulation, _ impairments: Impairments, seed: UInt64, wrap: Bool, reset: Bool
    ) -> [RenderedConversation] {
        var random = SeededGenerator(seed: seed)
        let endpoints: [(Endpoint, Endpoint)] = [
            (Endpoint(address: .v4(0xC000_0205), port: 49_153), Endpoint(address: .v4(0xC633_640A), port: 80)),
            (Endpoint(address: .v4(0xC000_0205), port: 49_154), Endpoint(address: .v4(0xC633_640A), port: 80)),
            (Endpoint(address: .v6(0x2001_0DB8_0000_0000, 5), port: 49_155),
             Endpoint(address: .v6(0x2001_0DB8_0000_0000, 0x10), port: 80)),
        ]
        return endpoints.enumerated().map { index, pair in
            var conversation = TCPConversation(
                client: pair.0, server: pair.1,
                clientISN: wrap ? UInt32.max - 1_000 : UInt32(truncatingIfNeeded: random.next()),
                serverISN: wrap ? UInt32.max - 100 : UInt32(truncatingIfNeeded: random.next()),
                start: CaptureTimestamp(seconds: 1_795_000_000 + Int64(index) * 2, nanoseconds: 123_456_789)
            )
            for request in 0..<2 {
                let bodyLength = 1_000 + Int(random.next() % 6_000)
                conversation.clientSends(Array(("POST /upload/file\(index)-\(request).txt HTTP/1.1\r\n"
                    + "Host: 198.51.100.10\r\nContent-Length: \(bodyLength)\r\n\r\n").utf8) + text(bodyLength, &random))
                conversation.serverSends(Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8))
            }
            conversation.closing = reset && index == 1 ? .reset : .fin
            return conversation.render(encapsulation: encapsulation, impairments: impairments,
                                       seed: seed &* 31 &+ UInt64(index))
        }
    }

    private static func text(_ count: Int, _ random: inout SeededGenerator) -> [UInt8] {
        let words = ["bits", "upload", "fragment", "session", "range", "ack", "close", "stream", "capture", "byte"]
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            out += Array((words[Int(random.next() % UInt64(words.count))] + (out.count % 64 < 56 ? " " : "\n")).utf8)
        }
        return Array(out.prefix(count))
    }

    /// `{"connections": [{"client", "server", "handshake", "client_bytes", "server_bytes",
    /// "client_gap_bytes", "server_gap_bytes"}]}` in order of each connection's first packet.
    static func expectedJSON(_ scenario: CaptureScenario) -> String {
        let ordered = scenario.conversations.sorted {
            ($0.packets.first?.timestamp ?? .zero) < ($1.packets.first?.timestamp ?? .zero)
        }
        let rows = ordered.map { conversation in
            let handshake = conversation.expectedClient.startsWithHandshake || conversation.expectedServer.startsWithHandshake
            return """
                    {
                      "client": "\(conversation.client)",
                      "server": "\(conversation.server)",
                      "handshake": \(handshake),
                      "client_bytes": \(conversation.expectedClient.uniqueBytes),
                      "server_bytes": \(conversation.expectedServer.uniqueBytes),
                      "client_gap_bytes": \(conversation.expectedClient.gapBytes),
                      "server_gap_bytes": \(conversation.expectedServer.gapBytes)
                    }
                """
        }
        return "{\n  \"connections\": [\n" + rows.joined(separator: ",\n") + "\n  ]\n}\n"
    }
}
