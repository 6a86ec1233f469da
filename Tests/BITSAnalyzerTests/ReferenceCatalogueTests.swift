import AnalyzerCore
@testable import BITSAnalyzer
import Testing

/// The anomaly catalogue of the protocol reference (`../shared/reference/bits-protocol.md` §5)
/// against ours: every entry is a finding kind, documented in docs/findings.md (where the rows say
/// which parts cannot be told from packets; FindingAdviceTests checks rows against kinds).
@Suite struct ReferenceCatalogueTests {
    /// The 81 codes of §5, in its order.
    static let referenceCodes = [
        "non-bits-post-method", "missing-packet-type", "unknown-packet-type", "response-not-ack",
        "ack-missing-content-length", "ack-has-body", "request-body-not-allowed", "missing-content-length",
        "oversized-header", "pipelined-request", "missing-ack", "slow-ack", "session-multi-connection",
        "missing-supported-protocols", "unknown-protocol-offer", "protocol-mismatch", "protocol-on-error-ack",
        "create-ack-missing-session-id", "malformed-session-id", "session-id-reuse", "create-session-201",
        "host-id-fallback-inconsistent", "host-id-not-honored", "host-id-fallback", "unsupported-encoding",
        "missing-session-id", "unknown-session", "session-not-found-wrong-code", "missing-content-range",
        "malformed-content-range", "range-mismatch", "range-beyond-total", "total-length-changed", "fragment-gap",
        "fragment-overlap", "fragment-duplicate", "fragment-after-complete", "fragment-after-close",
        "ack-missing-received-range", "received-range-malformed", "ack-range-mismatch", "ack-range-regression",
        "out-of-sync-416", "client-ignored-resync", "fragment-size-unusual", "413-not-shrunk",
        "session-id-echo-mismatch", "ack-missing-session-id", "content-name-anomaly", "partial-file-close",
        "reply-not-fetched", "reply-url-on-non-final-ack", "reply-url-inconsistent", "orphaned-session",
        "complete-not-closed", "cancel-after-complete", "close-retry-anomaly", "restart-missing",
        "session-timeout-exceeded", "error-header-on-success", "error-context-orphan", "invalid-error-context",
        "error-context-mismatch", "malformed-error-code", "error-status-mismatch", "error-code-missing",
        "error-header-name-variant", "client-server-http-error-codes", "auth-challenge", "ntlm-without-ping",
        "basic-auth-cleartext", "uploads-disabled", "access-denied", "upload-too-large", "server-disk-full",
        "server-application-error", "non-windows-client", "impersonated-iis-server",
        "notification-missing-original-url", "notification-reference-headers-inconsistent", "notification-slow",
    ]

    @Test("every code of the reference's anomaly catalogue is a finding kind")
    func everyReferenceCodeIsAKind() {
        #expect(Self.referenceCodes.count == 81)
        #expect(Set(Self.referenceCodes).count == 81)
        let kinds = Set(BITSFindingKind.catalogue.map(\.code.rawValue))
        let missing = Self.referenceCodes.filter { !kinds.contains($0) }
        #expect(missing.isEmpty, "not implemented: \(missing)")
    }
}
