import AnalyzerCore
import TCPReassembly
import TLSDecryption
import TLSRecords

/// One thing that happened on a followed connection, in capture order.
public enum FollowEvent {
    /// The connection appeared.
    case opened(ConnectionInfo)
    /// Bytes of one direction; borrowed, valid only during the handler call.
    case data(FlowDirection, UnsafeRawBufferPointer, offset: UInt64, time: CaptureTimestamp)
    /// Bytes of one direction missing from the capture.
    case gap(FlowDirection, length: UInt64, offset: UInt64, time: CaptureTimestamp)
    /// Decrypted TLS records of one direction lost (to a gap or failing authentication): plaintext of
    /// unknown length is missing at `offset` (a plaintext offset). Only when following with a key log.
    case lost(FlowDirection, records: Int, offset: UInt64, time: CaptureTimestamp)
    /// One direction ended.
    case ended(FlowDirection, time: CaptureTimestamp)
    /// The connection closed.
    case closed(ConnectionSummary)
}

/// Follows one connection (by number) and hands its events to a handler as they happen, so that
/// even a long connection is never held in memory. With a key log, a connection whose first bytes
/// are TLS is followed as its decrypted plaintext (offsets count plaintext bytes).
public final class StreamFollower: StreamConsumerFactory, StreamConsumer {
    /// The connection number followed.
    public let connectionID: Int
    private let handler: (FollowEvent) -> Void
    private let keyLog: TLSKeyLog?
    /// The followed connection's decryptor, once its first bytes showed TLS (with a key log).
    private var decryptor: TLSConnectionDecryptor?
    /// Whether the first bytes were looked at.
    private var probed = false
    /// Plaintext bytes handed out per direction (client to server, server to client).
    private var plaintextOffsets: [UInt64] = [0, 0]
    /// Whether the connection was seen.
    public private(set) var found = false

    /// Creates a follower of connection `connectionID` that calls `handler` for each event.
    /// With `keyLog`, a TLS connection's plaintext is followed instead of its records.
    public init(connectionID: Int, keyLog: TLSKeyLog? = nil, handler: @escaping (FollowEvent) -> Void) {
        self.connectionID = connectionID
        self.keyLog = keyLog
        self.handler = handler
    }

    /// Returns itself for the followed connection, `nil` for any other.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        guard connection.id == connectionID else { return nil }
        found = true
        handler(.opened(connection))
        return self
    }

    /// Nothing to do for other connections' summaries.
    public func connectionClosed(summary: ConnectionSummary) {}

    /// Passes bytes on.
    public func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        if !probed, let keyLog, !bytes.isEmpty {
            probed = true
            // A TLS record start (whole or not) decides: the decryptor buffers what it needs.
            if TLSSniffer.classify(bytes) != .notTLS { decryptor = TLSConnectionDecryptor(keyLog: keyLog) }
        }
        guard let decryptor else {
            handler(.data(direction, bytes, offset: offset, time: time))
            return
        }
        decryptor.receive(bytes, from: direction == .clientToServer ? .client : .server) { event in
            plaintext(event, direction: direction, time: time)
        }
    }

    /// Passes a gap on (to the decryptor, when decrypting).
    public func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        guard let decryptor else {
            handler(.gap(direction, length: length, offset: offset, time: time))
            return
        }
        decryptor.gap(length, from: direction == .clientToServer ? .client : .server) { event in
            plaintext(event, direction: direction, time: time)
        }
    }

    /// The facts of the followed connection's decryption, when it was decrypted.
    public var tlsFacts: TLSConnectionFacts? { decryptor?.facts }

    private func plaintext(_ event: TLSPlaintextEvent, direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction == .clientToServer ? 0 : 1
        switch event {
        case .data(let bytes):
            handler(.data(direction, bytes, offset: plaintextOffsets[index], time: time))
            plaintextOffsets[index] &+= UInt64(bytes.count)
        case .lost(let records):
            handler(.lost(direction, records: records, offset: plaintextOffsets[index], time: time))
        }
    }

    /// Passes a direction's end on.
    public func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
        handler(.ended(direction, time: time))
    }

    /// Passes the summary on.
    public func connectionClosed(_ summary: ConnectionSummary) {
        handler(.closed(summary))
    }
}
