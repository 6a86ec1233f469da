import AnalyzerCore
import TrafficSynthesis

/// Deterministic packets for round trips through the capture writers.
enum SamplePackets {
    /// `count` packets one second and 1,001 ns apart, so that microsecond files visibly lose the
    /// sub-microsecond digits. Lengths vary (including 0 and 1 byte) and the fifth packet is cut
    /// short, so its original length exceeds its captured length.
    static func make(count: Int = 6, firstSecond: Int64 = 1_700_000_000, salt: Int = 0) -> [SyntheticPacket] {
        let lengths = [60, 1514, 1, 0, 128, 77]
        return (0..<count).map { index in
            let length = lengths[index % lengths.count]
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index &* 7 &+ salt) }
            let timestamp = CaptureTimestamp(
                seconds: firstSecond + Int64(index), nanoseconds: UInt32(123_456_789 + index * 1_001))
            // The 128-byte packet stands for one a 128-byte snapshot length cut from 1,200.
            return SyntheticPacket(timestamp: timestamp, bytes: bytes, originalLength: length == 128 ? 1_200 : nil)
        }
    }

    /// Packets whose times are whole microseconds (nanoseconds a multiple of 1,000).
    static func wholeMicroseconds(count: Int = 3) -> [SyntheticPacket] {
        (0..<count).map { index in
            SyntheticPacket(
                timestamp: CaptureTimestamp(
                    seconds: 1_600_000_000 + Int64(index), nanoseconds: UInt32(index * 250_000)),
                bytes: [UInt8](repeating: UInt8(index), count: 40 + index))
        }
    }
}
