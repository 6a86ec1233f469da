import AnalyzerCore
import Foundation
import TrafficSynthesis

/// A capture with many BITS sessions: the scenario catalogue over and over with new seeds, each
/// run started a little later than the one before, all in one pcap file.
enum ManySessionsCapture {
    /// A pcap of `count` scenario runs (about 25 packets each), the `index`-th starting
    /// `index * spacingMilliseconds` after the first.
    static func pcap(scenarios count: Int, spacingMilliseconds: Int64 = 37) -> [UInt8] {
        var conversations: [RenderedConversation] = []
        let recipes = BITSScenarioCatalog.all
        for index in 0..<count {
            let recipe = recipes[index % recipes.count]
            let scenario = recipe.build(seed: UInt64(index + 1))
            let shift = Int64(index) * spacingMilliseconds
            for var conversation in scenario.conversations {
                for packet in conversation.packets.indices {
                    let time = conversation.packets[packet].timestamp
                    // Shifts stay far below a day: no overflow of seconds or nanoseconds.
                    conversation.packets[packet].timestamp = CaptureTimestamp(
                        seconds: time.seconds + shift / 1000,
                        nanoseconds: time.nanoseconds + UInt32(shift % 1000) * 1_000_000)
                }
                conversations.append(conversation)
            }
        }
        return CaptureScenario(encapsulation: .ethernet(vlanTags: []), conversations: conversations).pcapFile()
    }

    /// The same written to a new temporary file; returns its path.
    static func file(scenarios count: Int) throws -> String {
        try CLIRunner.temporaryFile(pcap(scenarios: count))
    }
}
