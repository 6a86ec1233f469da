/// The BITS scenarios the analyzer's tests and sample captures are made from. Each recipe's
/// expected findings are written out in its script; states, request lists and files follow from
/// what the script sends.
public enum BITSScenarioCatalog {
    /// Every scenario, in a fixed order. New scenarios go at the end: a sample's framing and file
    /// format follow its position (``BITSSamples``), so an insertion would rename later samples.
    public static let all: [BITSScenarioRecipe] = lifecycle + fragmentHandling + malformedRequests + serverSide
        + authentication + errors + requests + sessions + fragmentSizes

    /// The scenario named `name`, or `nil` when there is none.
    public static func named(_ name: String) -> BITSScenarioRecipe? { all.first { $0.name == name } }

    /// Finding codes, spelled once.
    enum Code {
        static let ackRangeMismatch = "ack-range-mismatch"
        static let authChallenge = "auth-challenge"
        static let clientIgnoredResync = "client-ignored-resync"
        static let completeNotClosed = "complete-not-closed"
        static let errorHeaderNameVariant = "error-header-name-variant"
        static let fragmentAfterClose = "fragment-after-close"
        static let fragmentDuplicate = "fragment-duplicate"
        static let fragmentGap = "fragment-gap"
        static let fragmentOverlap = "fragment-overlap"
        static let malformedContentRange = "malformed-content-range"
        static let missingAck = "missing-ack"
        static let missingSessionID = "missing-session-id"
        static let orphanedSession = "orphaned-session"
        static let outOfSync416 = "out-of-sync-416"
        static let partialFileClose = "partial-file-close"
        static let pipelinedRequest = "pipelined-request"
        static let protocolMismatch = "protocol-mismatch"
        static let rangeBeyondTotal = "range-beyond-total"
        static let rangeMismatch = "range-mismatch"
        static let replyNotFetched = "reply-not-fetched"
        static let serverError = "server-error"
        static let sessionMovedServer = "session-moved-server"
        static let sessionMultiConnection = "session-multi-connection"
        static let totalLengthChanged = "total-length-changed"
        static let unknownSession = "unknown-session"
    }

    /// Between `low` and `high` fragments (inclusive), drawn from the builder.
    static func fragmentCount(_ builder: inout BITSScenarioBuilder, _ low: Int, _ high: Int) -> Int {
        builder.random.integer(in: low...high)
    }
}
