import AnalysisPipeline
import AnalyzerCore
import TCPReassembly

/// How `streams --follow` prints a connection's bytes.
public enum FollowFormat: String, CaseIterable, Sendable {
    /// Printable ASCII, other bytes as `.`, server bytes indented by a tab (as `tshark -z follow,tcp,ascii`).
    case ascii
    /// Offset, hex bytes and ASCII, 16 bytes a line, server lines indented by a tab.
    case hex
    /// The bytes themselves, nothing else (gaps are not written; they are reported on stderr).
    case raw
}

/// Turns follow events into output bytes, chunk by chunk, so nothing accumulates in memory.
public struct FollowRenderer {
    /// The format.
    public let format: FollowFormat
    /// Which directions to print (both by default).
    public let directions: Set<FlowDirection>

    /// Creates a renderer.
    public init(format: FollowFormat, directions: Set<FlowDirection> = Set(FlowDirection.allCases)) {
        self.format = format
        self.directions = directions
    }

    /// The output for one event (possibly empty).
    public func render(_ event: FollowEvent) -> [UInt8] {
        switch event {
        case .opened(let info):
            guard format != .raw else { return [] }
            let rule = String(repeating: "=", count: 67)
            return Array("\(rule)\nFollow: tcp,\(format.rawValue)\nConnection: \(info.id)\nNode 0: \(info.client)\nNode 1: \(info.server)\n".utf8)
        case .data(let direction, let bytes, let offset, _):
            guard directions.contains(direction) else { return [] }
            switch format {
            case .raw: return Array(bytes)
            case .ascii: return asciiChunk(bytes, direction: direction)
            case .hex: return hexChunk(bytes, direction: direction, offset: offset)
            }
        case .gap(let direction, let length, let offset, _):
            guard directions.contains(direction), format != .raw else { return [] }
            let indent = direction == .serverToClient ? "\t" : ""
            return Array("\(indent)[gap: \(length) bytes missing at offset \(offset)]\n".utf8)
        case .lost(let direction, let records, let offset, _):
            guard directions.contains(direction), format != .raw else { return [] }
            let indent = direction == .serverToClient ? "\t" : ""
            return Array("\(indent)[lost: \(records) TLS record(s) not decrypted at plaintext offset \(offset)]\n".utf8)
        case .ended:
            return []
        case .closed(let summary):
            guard format != .raw else { return [] }
            return Array("\(String(repeating: "=", count: 67))\nend: \(summary.end.rawValue)\n".utf8)
        }
    }

    private func asciiChunk(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection) -> [UInt8] {
        let indent = direction == .serverToClient ? "\t" : ""
        var out = Array("\(indent)\(bytes.count)\n\(indent)".utf8)
        out.reserveCapacity(out.count + bytes.count + 1)
        for byte in bytes {
            switch byte {
            case 0x0A:
                out.append(0x0A)
                if direction == .serverToClient { out.append(0x09) }
            case 0x20...0x7E, 0x09, 0x0D: out.append(byte)
            default: out.append(UInt8(ascii: "."))
            }
        }
        out.append(0x0A)
        return out
    }

    private func hexChunk(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64) -> [UInt8] {
        let indent = direction == .serverToClient ? "\t" : ""
        var text = ""
        var lineStart = 0
        while lineStart < bytes.count {
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<min(lineStart + 16, bytes.count)])
            let position = String(offset + UInt64(lineStart), radix: 16)
            text += indent + String(repeating: "0", count: max(0, 8 - position.count)) + position + "  "
            var hex = ""
            for (index, byte) in line.enumerated() {
                hex += (byte < 16 ? "0" : "") + String(byte, radix: 16) + (index == 7 ? "  " : " ")
            }
            text += hex.padding(toLength: 49) + " "
            text += String(decoding: line.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
            text += "\n"
            lineStart += 16
        }
        return Array(text.utf8)
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
