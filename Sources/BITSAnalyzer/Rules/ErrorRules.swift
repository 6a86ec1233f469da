/// The rules of an answer's error headers (§5 E) and of what a refusal says about the server's
/// configuration (§5 F), `docs/findings.md`. The tracker calls them only for an answer that failed
/// or carries an error header, so a plain 200 Ack costs nothing here.
enum ErrorRules {
    /// The error headers' own anomalies: on a success, without their partner, an illegal context,
    /// a context that contradicts the code, a status the spec does not pair with the code, no code
    /// at all, a client-side code. `status` is the answer's, `isAck` whether it says
    /// `BITS-Packet-Type: Ack`, `codeHeader` and `contextHeader` the raw values, `code` the parsed one.
    static func signalling(
        status: Int, isAck: Bool, codeHeader: String?, code: BITSErrorCode?, contextHeader: String?,
        into found: inout [RuleFinding]
    ) {
        if status == 200 || status == 201, codeHeader != nil || contextHeader != nil {
            found.append(RuleFinding(.errorHeaderOnSuccess, "\(status) Ack carries " + [
                codeHeader.map { "error code '\($0)'" }, contextHeader.map { "BITS-Error-Context '\($0)'" },
            ].compactMap { $0 }.joined(separator: " and ")))
        }
        let context = contextHeader.flatMap(BITSErrorContext.init(headerValue:))
        if let codeHeader, contextHeader == nil, !(code?.isNoError ?? false) {
            found.append(RuleFinding(.errorContextOrphan, "error code '\(codeHeader)' without BITS-Error-Context"))
        } else if let contextHeader, codeHeader == nil {
            found.append(RuleFinding(.errorContextOrphan, "BITS-Error-Context '\(contextHeader)' without an error code"))
        }
        if let contextHeader, context != .remoteFile, context != .remoteApplication {
            found.append(RuleFinding(.invalidErrorContext, "BITS-Error-Context '\(contextHeader)' is neither 0x5 nor 0x7"))
        }
        if let code, let context {
            if context == .remoteApplication, raisedByBITSServer(code) {
                found.append(RuleFinding(.errorContextMismatch, "\(code)\(named(code)) is the BITS server's own error "
                                             + "but carries context 0x7 (server application)"))
            } else if context == .remoteFile, code == applicationFailed {
                found.append(RuleFinding(.errorContextMismatch, "\(code)\(named(code)) is the server application's error "
                                             + "but carries context 0x5 (BITS server)"))
            }
        }
        if let code, let allowed = statuses(pairedWith: code), !allowed.contains(status) {
            found.append(RuleFinding(.errorStatusMismatch, "\(code)\(named(code)) with status \(status); the spec pairs it with "
                                         + allowed.map(String.init).joined(separator: " or ")))
        } else if status == 416, let code, !code.isNoError {
            found.append(RuleFinding(.errorStatusMismatch, "416 with error code \(code)\(named(code)); the spec gives 0"))
        }
        if codeHeader == nil, isAck, status != 416, !(200...299).contains(status) {
            found.append(RuleFinding(.errorCodeMissing, "\(status) Ack without BITS-Error-Code"))
        }
        if let code, isClientSide(code) {
            found.append(RuleFinding(.clientServerHTTPErrorCodes,
                                     "server sent \(code)\(named(code)), an HRESULT of the BITS client, not of a server"))
        }
    }

    /// What a refused request says: a specific configuration finding where the status, code and
    /// context name one (it then stands for the Ack instead of `server-error`, so the problem is
    /// reported once), else `server-error`. `evidence` is the status/code/context text,
    /// `advice` the advice narrowed by code and status.
    static func failure(_ record: BITSRequestRecord, status: Int, evidence: String, advice: String?) -> RuleFinding {
        let code = record.errorCode?.isNoError == false ? record.errorCode : nil
        let context = record.errorContext.flatMap(BITSErrorContext.init(headerValue:))
        let kind: BITSFindingKind
        let meaning: String
        if code == applicationFailed || (context == .remoteApplication && !(code.map(raisedByBITSServer) ?? false)) {
            (kind, meaning) = (.serverApplicationError, status == 408
                ? "the server application did not answer the notification in time" : "the server application failed or refused")
        } else if let code, diskFull.contains(code.value) {
            (kind, meaning) = (.serverDiskFull, "the server's disk is full")
        } else if code?.value == tooLarge {
            (kind, meaning) = (.uploadTooLarge, "the upload exceeds the server's maximum size")
        } else if status == 413 {
            (kind, meaning) = (.uploadTooLarge, "the server refuses the request's size; a client retries with smaller fragments")
        } else if status == 404, record.type == .fragment,
                  max(record.range?.total ?? 0, record.contentLength ?? 0) > requestFilteringLimit {
            (kind, meaning) = (.uploadTooLarge, "over IIS request filtering's default of 30,000,000 bytes (404.13 in the IIS log)")
        } else if status == 403, code == nil || code?.value == accessDeniedCode {
            (kind, meaning) = (.accessDenied, "no permission, or the destination exists and overwrites are off")
        } else if status == 409 {
            (kind, meaning) = (.destinationConflict, "the destination exists and overwrites are off")
        } else if status == 501, code == nil || code?.value == accessDeniedCode {
            (kind, meaning) = (.uploadsDisabled, "BITS uploads are not enabled on the virtual directory")
        } else {
            return RuleFinding(.serverError, evidence, advice: advice)
        }
        return RuleFinding(kind, evidence + ": " + meaning, advice: advice)
    }

    // MARK: Tables (reference §4.1, §4.2)

    static let accessDeniedCode: UInt32 = 0x8007_0005
    static let invalidArgument: UInt32 = 0x8007_0057
    static let tooLarge: UInt32 = 0x8020_0020
    /// BG_E_ERROR_CONTEXT_REMOTE_APPLICATION: the text of an application's error.
    static let applicationFailed = BITSErrorCode(0x8020_001E)
    /// ERROR_DISK_FULL, as HRESULT_FROM_WIN32 gives it and as [MC-BUP] prints it, and ERROR_HANDLE_DISK_FULL.
    static let diskFull: [UInt32] = [0x8007_0070, 0x8007_0112, 0x8007_0027]
    /// IIS 7+ request filtering's default maxAllowedContentLength.
    static let requestFilteringLimit: UInt64 = 30_000_000

    /// Codes only the BITS server's own request processing produces (§4.1): E_INVALIDARG,
    /// BG_E_SESSION_NOT_FOUND, BG_E_TOO_LARGE.
    static func raisedByBITSServer(_ code: BITSErrorCode) -> Bool {
        code.value == invalidArgument || code == .sessionNotFound || code.value == tooLarge
    }

    /// The statuses [MC-BUP] §2.2.1.2 pairs with `code`, or `nil` when it names none.
    static func statuses(pairedWith code: BITSErrorCode) -> [Int]? {
        switch code.value {
        case BITSErrorCode.sessionNotFound.value, tooLarge: [500]
        case invalidArgument: [400, 411]
        case accessDeniedCode: [403, 501]
        default: nil
        }
    }

    /// HRESULTs the BITS client derives (§4.2), which a conforming server never sends:
    /// BG_E_HTTP_ERROR_<status>, BG_E_PROTOCOL_NOT_AVAILABLE, BG_E_INVALID_SERVER_RESPONSE,
    /// BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH, BG_E_NO_PROGRESS.
    static func isClientSide(_ code: BITSErrorCode) -> Bool {
        code.httpStatus != nil || [0x8020_0005, 0x8020_001B, 0x8020_0022, 0x8020_0024].contains(code.value)
    }

    private static func named(_ code: BITSErrorCode) -> String { code.name.map { " (\($0))" } ?? "" }
}
