import AnalyzerCore
@testable import BITSAnalyzer
import HTTP1Parser

/// Plays `>>>` (client) and `<<<` (server) transcript blocks through the HTTP parser into a BITS
/// tracker, as the pipeline does for one connection, optionally cut into pieces of `chunk` bytes.
struct TranscriptHarness {
    /// One message block of a transcript.
    struct Block {
        var fromClient: Bool
        var bytes: [UInt8]
    }

    let tracker: BITSSessionTracker
    let findings = FindingCollector()
    /// Every session the tracker let go.
    let retired = BITSSessionList()

    init(limits: Limits.BITS = .init()) {
        tracker = BITSSessionTracker(limits: limits, findings: findings)
        tracker.sink = retired
    }

    /// The sessions the tracker let go (all of them once it finished), in the order first seen.
    var sessions: [BITSSession] { retired.sessions }

    /// Parses a transcript: lines `>>>` or `<<<` start a block; other lines belong to the current
    /// block and are joined with CRLF. `{BODY n}` stands for n bytes of body.
    static func blocks(_ transcript: String) -> [Block] {
        var blocks: [Block] = []
        for line in transcript.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == ">>>" || line == "<<<" {
                blocks.append(Block(fromClient: line == ">>>", bytes: []))
            } else if !blocks.isEmpty {
                if line.hasPrefix("{BODY "), let count = Int(line.dropFirst(6).dropLast()) {
                    blocks[blocks.count - 1].bytes += (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                } else {
                    blocks[blocks.count - 1].bytes += Array((line + "\r\n").utf8)
                }
            }
        }
        return blocks
    }

    /// Plays blocks on connection `id`, each cut into pieces of at most `chunk` bytes. With `finish`,
    /// both directions then end (FINs: the connection is closed); without, it stays open. With
    /// `close`, the connection then leaves the table (as the reassembler removes it).
    func play(_ blocks: [Block], connection id: Int = 1, chunk: Int = .max, finish: Bool = true, close: Bool = false) {
        let info = BITSConnectionInfo(
            id: id, client: Endpoint(address: .v4(0xC000_0205), port: 49_000 + UInt16(id)),
            server: Endpoint(address: .v4(0xC633_640A), port: 80)
        )
        let analyzer = BITSConnectionAnalyzer(connection: info, tracker: tracker, findings: findings)
        let parser = HTTPConnectionParser(delegate: analyzer)
        var time = CaptureTimestamp(seconds: 1_800_000_000 + Int64(id) * 100, nanoseconds: 0)
        for block in blocks {
            var offset = 0
            while offset < block.bytes.count {
                let end = min(block.bytes.count, offset + max(1, chunk == .max ? block.bytes.count : chunk))
                block.bytes[offset..<end].withUnsafeBytes {
                    parser.receive($0, direction: block.fromClient ? .clientToServer : .serverToClient, time: time)
                }
                offset = end
            }
            time = CaptureTimestamp(seconds: time.seconds, nanoseconds: time.nanoseconds + 1_000_000)
        }
        if finish {
            parser.end(direction: .clientToServer, time: time)
            parser.end(direction: .serverToClient, time: time)
            parser.finish(time: time)
            analyzer.streamsEnded()
        }
        if close { analyzer.connectionClosed(finish ? .closed : .dropped) }
        withExtendedLifetime(analyzer) {}
    }

    /// Finding codes, in order.
    var codes: [String] { findings.findings.map(\.code.rawValue) }
}

/// The canonical Windows exchange of [MC-BUP] §4.1 (reference Appendix B).
let canonicalExchange = """
>>>
BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
Accept: */*
BITS-Packet-Type: Create-Session
BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}
Content-Name: rfc2119.txt
User-Agent: Microsoft BITS/6.7
Host: frankcao8
Content-Length: 0
Connection: Keep-Alive

<<<
HTTP/1.1 200 OK
Server: Microsoft-IIS/6.0
Pragma: no-cache
BITS-Packet-Type: Ack
BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}
BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}
Content-Length: 0
Accept-encoding: identity

>>>
BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
BITS-Packet-Type: Fragment
BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}
Content-Name: rfc2119.txt
Content-Range: bytes 0-4891/4892
Content-Length: 4892
Host: frankcao8

{BODY 4892}
<<<
HTTP/1.1 200 OK
BITS-Packet-Type: Ack
Content-Length: 0
BITS-Received-Content-Range: 4892

>>>
BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
BITS-Packet-Type: Ping
Content-Length: 0
Host: frankcao8

<<<
HTTP/1.1 200 OK
BITS-Packet-Type: Ack
Content-Length: 0

>>>
BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
BITS-Packet-Type: Close-Session
BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}
Content-Length: 0
Host: frankcao8

<<<
HTTP/1.1 200 OK
BITS-Packet-Type: Ack
Content-Length: 0

"""
