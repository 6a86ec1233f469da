@testable import ReportOutput
import Testing
import TestSupport

/// Objects of fixed members (``JSONTextWriter/beginObject(fixedMembers:)``, the timeline's sessions
/// and requests) against the tree: the same text, byte for byte, whichever members are `null`,
/// wherever the object stands (top value, member value, first or later array element, nested in
/// another), compact or pretty, with a made text or member by member (odd levels, more member
/// lists than texts kept).
@Suite struct JSONFixedMembersTests {
    private static let names = ["alpha", "b", "charlie_and_a_rather_longer_name", "d", "echo", "foxtrot", "g"]
    private static let keys: StaticString = "alpha b charlie_and_a_rather_longer_name d echo foxtrot g"

    /// Writes a fixed-member object of ``keys`` with the members in `present` started (a string,
    /// a number, or a nested array of two fixed objects for `d`), and returns the same as a tree.
    private static func write(present: [Bool], nested: Int, to json: inout JSONTextWriter) -> JSONValue {
        json.beginObject(fixedMembers: keys)
        var members: [(String, JSONValue)] = []
        for (index, name) in names.enumerated() {
            guard present[index] else {
                members.append((name, .null))
                continue
            }
            json.fixedMember(index)
            switch index {
            case 3 where nested > 0:
                json.beginArray()
                var items: [JSONValue] = []
                for item in 0..<2 {
                    items.append(write(present: present.enumerated().map { $0.element != ($0.offset == item) },
                                       nested: nested - 1, to: &json))
                }
                json.endArray()
                members.append((name, .array(items)))
            case 4 where nested > 0:
                // A fixed object as a member's value.
                members.append((name, write(present: present.map { !$0 }, nested: nested - 1, to: &json)))
            case 1, 5:
                json.uint(UInt64(index * 1000))
                members.append((name, .uint(UInt64(index * 1000))))
            default:
                json.string("v\"\(index)")
                members.append((name, .string("v\"\(index)")))
            }
        }
        json.endObject()
        return .object(members)
    }

    /// Every subset of the members, as array elements (first and later) and as the top value, at
    /// levels with a made text and at levels written member by member.
    @Test(arguments: [(true, 0), (false, 0), (true, 2), (false, 5), (true, -3), (true, 40_000), (true, 2_040)])
    func everySubsetWritesWhatTheTreeWrites(pretty: Bool, indent: Int) {
        var json = JSONTextWriter(pretty: pretty, indent: indent, capacity: 16)
        for mask in 0..<(1 << Self.names.count) {
            let present = (0..<Self.names.count).map { mask & (1 << $0) != 0 }
            json.removeAll()
            json.beginArray()
            let first = Self.write(present: present, nested: 1, to: &json)
            let second = Self.write(present: present.map { !$0 }, nested: 0, to: &json)
            json.endArray()
            var expected: [UInt8] = []
            JSONValue.array([first, second]).write(to: &expected, pretty: pretty, indent: indent)
            json.withBytes { written in
                #expect(Array(written) == expected, "mask \(mask):\n\(String(decoding: written, as: UTF8.self))")
            }
            json.removeAll()
            let top = Self.write(present: present, nested: 2, to: &json)
            expected = []
            top.write(to: &expected, pretty: pretty, indent: indent)
            json.withBytes { #expect(Array($0) == expected, "mask \(mask), top value") }
        }
    }

    /// More member lists than texts kept: the later ones are written member by member, the same
    /// text; and an object with no member started is all `null`.
    @Test(arguments: [true, false])
    func moreListsThanTextsWriteWhatTheTreeWrites(pretty: Bool) {
        let lists: [StaticString] = ["a0 b", "a1 b", "a2 b", "a3 b", "a4 b", "a5 b", "a6 b", "a7 b", "a8 b", "a9 b"]
        #expect(lists.count > FixedObjectTexts.capacity)
        var json = JSONTextWriter(pretty: pretty, indent: 1, capacity: 16)
        json.beginArray()
        var items: [JSONValue] = []
        for round in 0..<2 {
            for (index, keys) in lists.enumerated() {
                json.beginObject(fixedMembers: keys)
                if round == 0 {
                    json.fixedMember(1)
                    json.int(Int64(-index))
                    items.append(.object([("a\(index)", .null), ("b", .int(Int64(-index)))]))
                } else {
                    items.append(.object([("a\(index)", .null), ("b", .null)]))
                }
                json.endObject()
            }
        }
        json.endArray()
        var expected: [UInt8] = []
        JSONValue.array(items).write(to: &expected, pretty: pretty, indent: 1)
        json.withBytes { #expect(Array($0) == expected, "\(String(decoding: $0, as: UTF8.self))") }
    }
}
