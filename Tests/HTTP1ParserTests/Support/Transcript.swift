import AnalyzerCore
import HTTP1Parser

/// A connection's traffic written as text: `>>>` starts client-to-server bytes, `<<<` server-to-
/// client bytes. Lines of a block end in CRLF (`>>> lf`: bare LF); a line ending in `\` gets no
/// line end. Other markers: `>>> bytes N` (N patterned binary bytes), `>>> gap N`, `>>> loss` (bytes of
/// unknown number missing), `>>> end`.
struct Transcript: CustomStringConvertible {
    enum Step: Equatable {
        case data(FlowDirection, [UInt8])
        case gap(FlowDirection, UInt64)
        case loss(FlowDirection)
        case end(FlowDirection)
    }

    var name: String
    var steps: [Step]

    init(_ name: String, _ text: String) {
        self.name = name
        var steps: [Step] = []
        var block: (direction: FlowDirection, lineEnd: [UInt8], bytes: [UInt8])?
        func flush() {
            if let current = block { steps.append(.data(current.direction, current.bytes)) }
            block = nil
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.hasPrefix(">>>") || line.hasPrefix("<<<") {
                flush()
                let direction: FlowDirection = line.hasPrefix(">>>") ? .clientToServer : .serverToClient
                let words = line.dropFirst(3).split(separator: " ").map(String.init)
                switch words.first {
                case nil: block = (direction, [0x0D, 0x0A], [])
                case "lf": block = (direction, [0x0A], [])
                case "gap": steps.append(.gap(direction, UInt64(words[1])!))
                case "loss": steps.append(.loss(direction))
                case "end": steps.append(.end(direction))
                case "bytes": steps.append(.data(direction, Self.pattern(count: Int(words[1])!)))
                default: preconditionFailure("unknown transcript marker \(line)")
                }
                continue
            }
            guard block != nil else {
                precondition(line.isEmpty, "text outside a block: \(line)")
                continue
            }
            if line.hasSuffix("\\") {
                block!.bytes += Array(line.dropLast().utf8)
            } else {
                block!.bytes += Array(line.utf8) + block!.lineEnd
            }
        }
        flush()
        // Adjacent data of one direction is one step, so cuts come only from the feeding.
        self.steps = steps.reduce(into: []) { merged, step in
            if case .data(let direction, let bytes) = step, case .data(direction, let earlier)? = merged.last {
                merged[merged.count - 1] = .data(direction, earlier + bytes)
            } else {
                merged.append(step)
            }
        }
    }

    /// A transcript made of steps directly (random tests).
    init(name: String, steps: [Step]) {
        self.name = name
        self.steps = steps
    }

    /// Binary body bytes that include CR, LF and bytes looking like text.
    static func pattern(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }

    /// Total data bytes, both directions.
    var dataCount: Int {
        steps.reduce(0) { total, step in if case .data(_, let bytes) = step { total + bytes.count } else { total } }
    }

    var description: String { name }

    /// Feeds the transcript, cutting data at the given global data positions, then `finish`es.
    func run(limits: Limits.HTTP = .init(), cuts: Set<Int> = []) -> RecordingDelegate {
        let delegate = RecordingDelegate()
        let parser = HTTPConnectionParser(limits: limits, delegate: delegate)
        feed(parser, cuts: cuts)
        parser.finish(time: CaptureTimestamp(seconds: 1_000_000, nanoseconds: 0))
        return delegate
    }

    /// Feeds the steps; every data call gets its own time (`seconds` = call number).
    func feed(_ parser: HTTPConnectionParser, cuts: Set<Int>) {
        var position = 0
        var call: Int64 = 0
        func time() -> CaptureTimestamp {
            call += 1
            return CaptureTimestamp(seconds: call, nanoseconds: 0)
        }
        for step in steps {
            switch step {
            case .data(let direction, let bytes):
                guard !bytes.isEmpty else { continue }
                var start = 0
                for offset in 1...bytes.count where offset == bytes.count || cuts.contains(position + offset) {
                    bytes[start..<offset].withUnsafeBytes { parser.receive($0, direction: direction, time: time()) }
                    start = offset
                }
                position += bytes.count
            case .gap(let direction, let length):
                parser.receiveGap(length: length, direction: direction, time: time())
            case .loss(let direction):
                parser.receiveLoss(direction: direction, time: time())
            case .end(let direction):
                parser.end(direction: direction, time: time())
            }
        }
    }
}
