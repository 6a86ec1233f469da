/// What the generator knows about a Fragment it sends, independent of how its headers spell it.
public struct BITSFragmentFacts: Hashable, Sendable {
    /// First byte offset the Content-Range names.
    public var first: Int
    /// Last byte offset (inclusive) the Content-Range names.
    public var last: Int
    /// The total length the Content-Range names.
    public var total: Int
    /// Whether the Content-Range is well formed (`bytes f-l/T` with f ≤ l); a deliberately
    /// malformed one makes this `false`, and `first`/`last`/`total` then mean nothing to a reader.
    public var rangeIsValid: Bool
    /// The body actually carried.
    public var body: [UInt8]

    /// Creates the facts of one fragment.
    public init(first: Int, last: Int, total: Int, rangeIsValid: Bool = true, body: [UInt8]) {
        self.first = first
        self.last = last
        self.total = total
        self.rangeIsValid = rangeIsValid
        self.body = body
    }

    /// Whether the body is exactly as long as the range says.
    public var bodyMatchesRange: Bool { rangeIsValid && last >= first && body.count == last - first + 1 }
}

/// What a request sent by a scenario is, as the generator meant it.
public enum BITSRequestMeaning: Hashable, Sendable {
    /// A BITS_POST of `type`, carrying `sessionID` in BITS-Session-Id (`nil`: header absent), with
    /// the facts of its range when it is a Fragment.
    case bits(BITSMessageBuilder.RequestType, sessionID: String?, fragment: BITSFragmentFacts?)
    /// Any other HTTP request (a GET of a reply URL): not part of a session's request list.
    case other
}

/// One request of a scenario's script with its answer: the ledger the expectation is made from.
struct ScriptedRequest: Sendable {
    /// Position in the script (time order).
    var index: Int
    /// Index of the connection it travelled on.
    var connection: Int
    /// Whether the capture holds it (a mid-stream capture misses the first exchange).
    var captured: Bool
    /// What it is.
    var meaning: BITSRequestMeaning
    /// The answer, or `nil` if the server never answered.
    var response: SyntheticHTTPMessage?

    /// The BITS packet type, or `nil` for a non-BITS request.
    var type: BITSMessageBuilder.RequestType? {
        if case .bits(let type, _, _) = meaning { return type }
        return nil
    }

    /// The session ID the request carried.
    var sessionID: String? {
        if case .bits(_, let sessionID, _) = meaning { return sessionID }
        return nil
    }

    /// The fragment's facts, for a Fragment.
    var fragment: BITSFragmentFacts? {
        if case .bits(_, _, let fragment) = meaning { return fragment }
        return nil
    }

    /// The answer's status code.
    var status: Int? { response?.statusCode }

    /// The answer's BITS-Received-Content-Range, when it has a decimal one.
    var received: Int? { response?.value(of: "BITS-Received-Content-Range").flatMap { Int($0) } }

    /// Whether the answer has a 2xx status.
    var succeeded: Bool { status.map { (200...299).contains($0) } ?? false }
}
