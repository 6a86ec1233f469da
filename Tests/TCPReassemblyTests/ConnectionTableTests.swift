import AnalyzerCore
@testable import TCPReassembly
import TrafficSynthesis
import Testing

/// The reassembler's own hash table of connections against a `Dictionary` doing the same.
@Suite struct ConnectionTableTests {
    /// A random endpoint from a small space (so that keys repeat and probe runs form): IPv4 mostly,
    /// IPv6 now and then, some IPv6 ones differing only where their fold does not look.
    private static func endpoint(_ random: inout SeededGenerator) -> Endpoint {
        let port = UInt16.random(in: 1...40, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return Endpoint(address: .v6(0x2001_0db8 << 32, UInt64.random(in: 0...3, using: &random)), port: port)
        case 1:
            // Equal folds for different addresses: high ^ low * C stays the same.
            let low = UInt64.random(in: 0...3, using: &random)
            return Endpoint(address: .v6(7 ^ (low &* 0xC2B2_AE3D_27D4_EB4F), low), port: port)
        default: return Endpoint(address: .v4(0x0A00_0000 | UInt32.random(in: 0...6, using: &random)), port: port)
        }
    }

    private static func connection(_ key: ConnectionKey, id: Int) -> TCPConnection {
        let info = ConnectionInfo(id: id, client: key.lower, server: key.upper, firstTime: .zero, handshakeSeen: true)
        return TCPConnection(key: key, info: info, consumer: nil)
    }

    @Test("inserts, look-ups and removals agree with a Dictionary at every step", arguments: [1, 2, 3, 4])
    func againstDictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let table = ConnectionTable()
        var model: [ConnectionKey: TCPConnection] = [:]
        for step in 0..<6_000 {
            let key = ConnectionKey(Self.endpoint(&random), Self.endpoint(&random))
            // Mostly growth early, mostly removal late, so the table both grows and empties.
            let removing = Int.random(in: 0..<6_000, using: &random) < step
            if let existing = model[key] {
                #expect(table.connection(for: key) === existing)
                if removing {
                    table.remove(existing)
                    model[key] = nil
                    #expect(table.connection(for: key) == nil)
                    // Every entry left must still be found after the shifts of the removal.
                    for (other, connection) in model { #expect(table.connection(for: other) === connection) }
                }
            } else {
                #expect(table.connection(for: key) == nil)
                if !removing {
                    let connection = Self.connection(key, id: step)
                    table.insert(connection)
                    model[key] = connection
                }
            }
            #expect(table.count == model.count)
        }
        var seen: Set<ObjectIdentifier> = []
        table.forEach { seen.insert(ObjectIdentifier($0)) }
        #expect(seen == Set(model.values.map(ObjectIdentifier.init)))
        #expect(table.connections.count == model.count)
    }

    @Test("removing a connection not in the table changes nothing")
    func removeAbsent() {
        let a = Endpoint(address: .v4(1), port: 1), b = Endpoint(address: .v4(2), port: 2)
        let table = ConnectionTable()
        let held = Self.connection(ConnectionKey(a, b), id: 1)
        table.insert(held)
        table.remove(Self.connection(ConnectionKey(a, b), id: 2))
        table.remove(Self.connection(ConnectionKey(a, a), id: 3))
        #expect(table.count == 1)
        #expect(table.connection(for: ConnectionKey(b, a)) === held)
    }
}
