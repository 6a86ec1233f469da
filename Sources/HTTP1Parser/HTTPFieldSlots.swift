/// Which field of a head is the first of each known name (``HTTPFieldName``), which known names
/// occur more than once, and which name lengths occur at all: noted as the fields are read, so
/// that look-ups need not scan. Plain words, no allocation.
@usableFromInline
struct HTTPFieldSlots: Sendable {
    /// A byte per slot: 0 when no field has the name, `index + 1` for the first field that does,
    /// ``beyond`` when that field's index is ``beyond`` - 1 or more.
    @usableFromInline private(set) var firsts: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// One bit per slot whose name more than one field has.
    private var repeated: UInt32 = 0
    /// How many fields the headers have (kept here by ``HTTPHeaders``, where it takes the padding
    /// after ``repeated``: the headers, copied with every head, stay as large as they were).
    @usableFromInline var fieldCount: UInt32 = 0
    /// One bit per name length present (``lengthBit(_:)``), for look-ups of other names: most ask
    /// for a field the message does not have, and a length no field has settles that at once.
    private(set) var nameLengths: UInt64 = 0

    /// The entry of a first field too far down the list for a byte: look-ups scan from there.
    @inlinable static var beyond: Int { 255 }

    /// The bit of ``nameLengths`` for names `length` bytes long (lengths from 63 up share one; a
    /// length is never negative). One unsigned comparison: this is noted for every field line.
    @inline(__always)
    static func lengthBit(_ length: Int) -> UInt64 { 1 &<< UInt64(Swift.min(UInt(bitPattern: length), 63)) }

    /// Notes field `index`, whose name is `nameLength` bytes long and is the known one of `slot`
    /// (`nil`: not a known name). Fields are noted in order.
    @inline(__always)
    mutating func note(field index: Int, nameLength: Int, slot: Int?) {
        nameLengths |= Self.lengthBit(nameLength)
        guard let slot else { return }
        // An index is never negative: one unsigned comparison caps it.
        let value = UInt8(truncatingIfNeeded: Swift.min(UInt(bitPattern: index), UInt(Self.beyond - 1)) &+ 1)
        // Read and written in place: ``entry(_:)`` reads a copy of the four words, which the
        // reader of every field line of every head need not make.
        let isFirst = withUnsafeMutableBytes(of: &firsts) { entries -> Bool in
            guard entries[slot] == 0 else { return false }
            entries[slot] = value
            return true
        }
        if !isFirst { repeated |= 1 << UInt32(slot) }
    }

    /// The entry of `slot` (see ``firsts``).
    @inlinable
    func entry(_ slot: Int) -> Int { withUnsafeBytes(of: firsts) { Int($0[slot]) } }

    /// Whether more than one field has the name of `slot`.
    @inline(__always)
    func isRepeated(_ slot: Int) -> Bool { repeated >> UInt32(slot) & 1 != 0 }
}
