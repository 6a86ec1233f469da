import AnalyzerCore
import BITSAnalyzer

/// The severity of each code a session can carry (``BITSSession/findingCodes``): the catalogue of
/// ``BITSFindingKind/catalogue``, read here so that a digest can rank sessions by their findings.
public enum SessionFindingSeverity {
    /// The severity of `code`; `notice` for a code not in the catalogue.
    public static func of(_ code: FindingCode) -> Severity { table[code] ?? .notice }

    /// The most severe of `session`'s finding codes, or `nil` when it has none.
    public static func worst(of session: BITSSession) -> Severity? { session.findingCodes.map(of).max() }

    private static let table: [FindingCode: Severity] = Dictionary(
        BITSFindingKind.catalogue.map { ($0.code, $0.severity) }, uniquingKeysWith: { first, _ in first })
}
