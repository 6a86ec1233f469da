import AnalyzerCore

/// The reassembler's connections by ``ConnectionKey``: an open-addressing hash table with linear
/// probing, at most half full, whose removals shift later entries back (no tombstones).
///
/// It replaces a `Dictionary`, whose SipHash of the key and growth cost about 290 instructions a
/// look-up, 700 an insertion and 600 a removal: three per connection. IPv4 keys are hashed from
/// their folds (``ConnectionKey/fold(_:)``, the addresses and ports themselves) with a multiply
/// mix keyed by a random seed, so that a capture cannot be crafted to make its connections share
/// probe sequences without knowing the seed; IPv6 keys, whose folds are hashes anyone could make
/// collide, are hashed from their whole endpoints by the seeded standard `Hasher`. Iteration order
/// is arbitrary, as a dictionary's was: every caller that acts on several connections sorts them.
final class ConnectionTable {
    /// One slot: the connection (none when empty) and its key's full hash.
    private struct Slot {
        var hash: UInt64
        var connection: TCPConnection?
    }

    private var slots: UnsafeMutablePointer<Slot>
    /// Slots minus one (a power of two minus one).
    private var mask: Int
    /// Connections held.
    private(set) var count = 0
    /// Keys the IPv4 mix; random per table.
    private let seeds: (UInt64, UInt64)

    /// An empty table with room for `capacity` slots (rounded up to a power of two, at least 16).
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, connection: nil), count: size)
        mask = size - 1
        var generator = SystemRandomNumberGenerator()
        // Odd multipliers' worth of entropy either way; `| 1` keeps neither factor even by chance.
        seeds = (generator.next() | 1, generator.next() | 1)
    }

    deinit {
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
    }

    /// The hash of `key`: seeded mix of the folds for IPv4, the seeded `Hasher` for IPv6.
    @inline(__always)
    private func hash(of key: ConnectionKey) -> UInt64 {
        guard key.isIPv4 else {
            var hasher = Hasher()
            hasher.combine(key.lower)
            hasher.combine(key.upper)
            return UInt64(truncatingIfNeeded: hasher.finalize())
        }
        // A 64 x 64 -> 128-bit product folded in half (wyhash's `mum`): every input bit reaches
        // the low bits the index is taken from.
        let product = (key.lowerFold ^ seeds.0).multipliedFullWidth(by: key.upperFold ^ seeds.1)
        return product.high ^ product.low
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of key: ConnectionKey, hash: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: hash) & mask
        while let connection = slots[index].connection {
            if slots[index].hash == hash, connection.key.sameConnection(as: key) { return index }
            index = (index + 1) & mask
        }
        return index
    }

    /// The connection of `key`, if held.
    func connection(for key: ConnectionKey) -> TCPConnection? {
        slots[slot(of: key, hash: hash(of: key))].connection
    }

    /// Adds `connection` under its key, which no held connection may have.
    func insert(_ connection: TCPConnection) {
        // Grow before the insertion would make the table more than half full.
        if (count + 1) * 2 > mask + 1 { grow() }
        let hash = hash(of: connection.key)
        let index = slot(of: connection.key, hash: hash)
        precondition(slots[index].connection == nil, "a connection with this key is already in the table")
        slots[index] = Slot(hash: hash, connection: connection)
        count += 1
    }

    /// Removes `connection` (by its key); nothing if it is not held.
    func remove(_ connection: TCPConnection) {
        var hole = slot(of: connection.key, hash: hash(of: connection.key))
        guard slots[hole].connection === connection else { return }
        slots[hole].connection = nil
        count -= 1
        // Shift back each following entry of the run whose probe start does not lie cyclically in
        // (hole, index]: it was placed past the hole and must stay reachable from its start.
        var index = hole
        while true {
            index = (index + 1) & mask
            guard slots[index].connection != nil else { return }
            let start = Int(truncatingIfNeeded: slots[index].hash) & mask
            if (index - start) & mask >= (index - hole) & mask {
                slots[hole] = slots[index]
                slots[index].connection = nil
                hole = index
            }
        }
    }

    /// Calls `body` with every connection, in no particular order. `body` must not change the table.
    func forEach(_ body: (TCPConnection) throws -> Void) rethrows {
        for index in 0...mask {
            if let connection = slots[index].connection { try body(connection) }
        }
    }

    /// Every connection, in no particular order.
    var connections: [TCPConnection] {
        var all: [TCPConnection] = []
        all.reserveCapacity(count)
        forEach { all.append($0) }
        return all
    }

    /// Doubles the slots and places every connection again.
    private func grow() {
        let old = slots, oldSize = mask + 1
        let size = oldSize * 2
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, connection: nil), count: size)
        mask = size - 1
        for index in 0..<oldSize {
            guard let connection = old[index].connection else { continue }
            var target = Int(truncatingIfNeeded: old[index].hash) & mask
            while slots[target].connection != nil { target = (target + 1) & mask }
            slots[target] = Slot(hash: old[index].hash, connection: connection)
        }
        old.deinitialize(count: oldSize)
        old.deallocate()
    }
}
