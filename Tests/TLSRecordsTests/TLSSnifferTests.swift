import AnalyzerCore
import TLSRecords
import Testing
import TrafficSynthesis

/// TLS recognised by content from the first bytes of a direction, the server name read from a
/// ClientHello fed whole, cut at every length, and hostile.
@Suite struct TLSSnifferTests {
    static func classify(_ bytes: [UInt8], final: Bool = false) -> TLSStreamStart {
        bytes.withUnsafeBytes { final ? TLSSniffer.classifyFinal($0) : TLSSniffer.classify($0) }
    }

    @Test("a ClientHello gives its server name; every shorter prefix asks for more, or is TLS without a name at the end")
    func clientHelloAtEveryCut() {
        var random = SeededGenerator(seed: 1)
        let hello = TLSRecordBuilder.clientHello(serverName: "mp01.corp.example", padding: 1_500, random: &random)
        #expect(Self.classify(hello) == .tls(TLSFirstFlight(contentType: 22, handshakeType: 1, serverName: "mp01.corp.example")))
        for cut in 1..<hello.count {
            let prefix = Array(hello[..<cut])
            #expect(Self.classify(prefix) == .needMore, "cut at \(cut)")
            let final = Self.classify(prefix, final: true)
            if cut >= 5 {
                guard case .tls(let flight) = final else { Issue.record("cut at \(cut): \(final)"); continue }
                #expect(flight.serverName == nil && flight.contentType == 22)
            } else {
                #expect(final == .notTLS, "cut at \(cut)")
            }
        }
    }

    @Test("a ClientHello without server_name, a ServerHello and application data are TLS; HTTP is not")
    func otherStarts() {
        var random = SeededGenerator(seed: 2)
        #expect(Self.classify(TLSRecordBuilder.clientHello(serverName: nil, random: &random))
                == .tls(TLSFirstFlight(contentType: 22, handshakeType: 1, serverName: nil)))
        #expect(Self.classify(TLSRecordBuilder.serverHello(random: &random))
                == .tls(TLSFirstFlight(contentType: 22, handshakeType: 2)))
        #expect(Self.classify(TLSRecordBuilder.applicationData(length: 300, random: &random))
                == .tls(TLSFirstFlight(contentType: 23)))
        for text in ["BITS_POST /upload HTTP/1.1\r\n", "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "\u{16}\u{02}xx"] {
            #expect(Self.classify(Array(text.utf8)) == .notTLS, "\(text)")
        }
        // A record header with an impossible length or version is not TLS.
        #expect(Self.classify([22, 3, 1, 0xFF, 0xFF, 1]) == .notTLS)
        #expect(Self.classify([22, 3, 9, 0, 10, 1]) == .notTLS)
        #expect(Self.classify([23, 3, 3, 0, 0]) == .notTLS)
    }

    @Test("a server name that is not a plausible host name is dropped, never passed on")
    func hostileServerNames() {
        var random = SeededGenerator(seed: 3)
        for name in ["bad name", "evil\u{1B}[31m.example", "a/b", String(repeating: "a", count: 254), "ünïcode.example"] {
            let hello = TLSRecordBuilder.clientHello(serverName: name, random: &random)
            guard case .tls(let flight) = Self.classify(hello) else { Issue.record("\(name): not TLS"); continue }
            #expect(flight.serverName == nil, "\(name)")
        }
    }

    @Test("random bytes behind a valid record header never trap, and decide within one record")
    func hostileBodies() {
        var random = SeededGenerator(seed: 4)
        for round in 0..<2_000 {
            let length = Int(random.next() % 600)
            var bytes: [UInt8] = [22, 3, UInt8(random.next() % 5), UInt8(length >> 8), UInt8(length & 0xFF), 1]
            bytes += (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Now and then a real ClientHello with damaged lengths.
            if round % 4 == 0 {
                bytes = TLSRecordBuilder.clientHello(serverName: "x.example", random: &random)
                let position = 5 + Int(random.next() % UInt64(bytes.count - 5))
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
            let verdict = Self.classify(bytes)
            #expect(verdict != .needMore || bytes.count < 5 + length, "round \(round)")
        }
    }
}
