/// Hand-built frames for filter tests. Checksums are left zero: BPF does not look at them.
enum TestFrames {
    /// An IPv4 packet (10.0.0.1 -> 10.0.0.2) carrying a TCP segment with the given ports.
    static func ipv4TCP(sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8] = []) -> [UInt8] {
        let totalLength = 20 + 20 + payload.count
        var ip: [UInt8] = [0x45, 0x00]
        ip += bigEndian(UInt16(totalLength))
        ip += [0x12, 0x34, 0x40, 0x00, 64, 6, 0x00, 0x00]  // id, don't fragment, TTL, TCP, checksum
        ip += [10, 0, 0, 1, 10, 0, 0, 2]
        var tcp = bigEndian(sourcePort) + bigEndian(destinationPort)
        tcp += [0, 0, 0, 1, 0, 0, 0, 0]  // sequence, acknowledgement
        tcp += [0x50, 0x18, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00]  // offset 5, PSH+ACK, window, checksum, urgent
        return ip + tcp + payload
    }

    /// An Ethernet II frame (type IPv4) around ``ipv4TCP(sourcePort:destinationPort:payload:)``.
    static func ethernetIPv4TCP(sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8] = []) -> [UInt8] {
        let destination: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
        let source: [UInt8] = [0x00, 0x66, 0x77, 0x88, 0x99, 0xAA]
        return destination + source + [0x08, 0x00]
            + ipv4TCP(sourcePort: sourcePort, destinationPort: destinationPort, payload: payload)
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
