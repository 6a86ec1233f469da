import AnalyzerCore

/// Bounds far below the defaults, so that short fuzz inputs reach every limit and its recovery.
public enum FuzzLimits {
    /// Small limits for every layer.
    public static let small: Limits = {
        var limits = Limits()
        limits.reassembly.maxConnections = 4
        limits.reassembly.maxHeldBytesPerConnection = 2_048
        limits.reassembly.maxHeldSegmentsPerConnection = 16
        limits.reassembly.maxHeldBytesTotal = 4_096
        limits.ipFragments.maxDatagramsInProgress = 4
        limits.ipFragments.maxBytesHeld = 16_384
        limits.ipFragments.maxFragmentsPerDatagram = 16
        limits.http.maxHeaderBlockBytes = 1_024
        limits.http.maxHeaderCount = 24
        limits.http.maxPendingRequests = 4
        limits.http.maxResyncScanBytes = 8_192
        limits.bits.maxOpenSessions = 6
        limits.bits.maxRequestsPerSession = 6
        return limits
    }()
}
