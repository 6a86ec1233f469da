import AnalyzerCore
import CPcap

/// A BPF filter compiled for one link type without a capture (`pcap_open_dead` + `pcap_compile`),
/// applied to packets read by ``PcapngBlockReader`` with `pcap_offline_filter`. With PcapHandle.swift
/// the only file that calls libpcap.
final class PcapFilterProgram {
    private var program = bpf_program()

    /// Compiles `expression` for `linkType`.
    /// - Throws: ``CaptureError`` `.badFilter` naming `name` and the expression, with libpcap's message.
    init(expression: String, linkType: LinkType, snapshotLength: Int, name: String) throws(CaptureError) {
        let snapshot = Int32(clamping: max(snapshotLength, 1))
        guard let dead = pcap_open_dead(linkType.rawValue, snapshot) else {
            throw CaptureError(code: .badFilter, capture: name,
                               reason: "bad filter expression \"\(expression)\": libpcap could not make a handle to compile it")
        }
        defer { pcap_close(dead) }
        guard pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            let message = pcap_geterr(dead).map { String(cString: $0) } ?? "unknown libpcap error"
            throw CaptureError(code: .badFilter, capture: name,
                               reason: "bad filter expression \"\(expression)\" for link type \(linkType.rawValue): \(message)")
        }
    }

    deinit { pcap_freecode(&program) }

    /// Whether the filter accepts a packet of `bytes` (the captured part) and `originalLength`.
    func accepts(_ bytes: UnsafeRawBufferPointer, originalLength: Int) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = UInt32(clamping: bytes.count)
        header.len = UInt32(clamping: originalLength)
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            // No bytes: BPF reads none, but it is handed a valid pointer all the same.
            var none: UInt8 = 0
            return pcap_offline_filter(&program, &header, &none) != 0
        }
        return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }
}
