import BITSAnalyzer

/// What extraction knows of one session's file.
struct SessionFileState {
    /// Upload offsets the server stored (first copy wins: no later fragment adds to these).
    var stored = ByteRangeSet()
    /// Of those, offsets whose bytes the capture showed and the file holds.
    var known = ByteRangeSet()
    /// The fragment writing straight into the file, if any (at most one at a time).
    var directFragment: BITSRequestKey?
}
