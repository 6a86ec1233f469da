import AnalyzerCore

/// The advice shown with a finding (``FindingAdvice`` by code), narrowed for a `server-error` by
/// its error code and status, which the Ack rule attaches (``Finding/advice``): `E_ACCESSDENIED`
/// points at the virtual directory's settings and permissions, `BG_E_TOO_LARGE` at the size limits,
/// and so on. Sources: docs/findings.md.
public enum BITSFindingAdvice {
    /// What to check for `finding`: the advice it carries (a `server-error`'s, by its error code or
    /// status), otherwise the code's advice; `nil` for a code without any.
    public static func advice(for finding: Finding) -> String? {
        finding.advice ?? FindingAdvice.advice(for: finding.code)
    }

    /// The advice a `server-error` carries (``Finding/advice``): by its error code, else by its HTTP
    /// status; `nil` when neither says more than the code's general advice.
    public static func serverError(errorCode: BITSErrorCode?, status: UInt32) -> String? {
        if let errorCode, let advice = advice(errorCode: errorCode, status: status) { return advice }
        return advice(status: status)
    }

    /// Advice for the error codes whose cause is known to lie in a server setting.
    public static func advice(errorCode: BITSErrorCode, status: UInt32?) -> String? {
        switch errorCode.value {
        case 0x8007_0005 where status == 501:
            return "E_ACCESSDENIED with 501: BITS uploads are not enabled on the virtual directory. "
                + "Enable them (IIS Manager, BITS Uploads: allow clients to upload files) and check that the BITS server extension is installed."
        case 0x8007_0005:
            return "E_ACCESSDENIED: the upload virtual directory refused the user. Check that BITS uploads are enabled on it, its authentication methods, "
                + "and that the authenticated (or anonymous) user has Change (modify) permission on its folder; with overwrites not allowed, the destination file may already exist."
        case 0x8020_0020:
            return "BG_E_TOO_LARGE: the upload exceeds the virtual directory's maximum file size (BITSMaximumUploadSize). "
                + "Raise it, and on IIS 7 and later also IIS request filtering's maxAllowedContentLength (30,000,000 bytes by default), which caps it."
        case 0x8020_001F:
            return "BG_E_SESSION_NOT_FOUND: the server no longer knows the session: it expired (BITSSessionTimeout) or was cleaned up, was closed or cancelled, "
                + "or the request reached another node of a farm. For a farm, enable BITS-Host-Id (server farm support) or use a shared upload folder."
        case 0x8020_0023:
            return "BG_E_SERVER_EXECUTE_ENABLE: the upload virtual directory has script or execute permission, which BITS refuses. "
                + "Remove the scripts and executables permission from the virtual directory."
        case 0x8007_0070, 0x8007_0027, 0x8007_0112:
            return "The server's disk is full. Free space on the volume that holds the upload virtual directory's folder, "
                + "and check the session limit and cleanup schedule that remove old uploads."
        case 0x8007_0057:
            return "E_INVALIDARG: the server found the request malformed (bad Content-Range, total length changed, no protocol it supports, URL naming a folder, missing Content-Length). "
                + "Check the other findings of the session and the client implementation."
        case 0x8020_001E:
            return "The server application behind the BITS server (the notification URL) failed. "
                + "Check that application's log and that it answers within five minutes; the virtual directory's notification settings name it."
        default:
            if let httpStatus = errorCode.httpStatus { return advice(status: httpStatus) }
            return nil
        }
    }

    /// Advice for an error status without a more telling error code.
    public static func advice(status: UInt32) -> String? {
        switch status {
        case 400, 411:
            return "The server found the request malformed. Check the other findings of the session and the client implementation."
        case 401, 407:
            return "Authentication failed: check the client job's credentials (SetCredentials) and the authentication methods of the virtual directory or proxy."
        case 403:
            return "Access denied: check the authenticated (or anonymous) user's permissions on the upload folder, the virtual directory's authentication, "
                + "and whether the destination exists while overwrites are not allowed."
        case 404:
            return "Not found: a wrong URL, BITS uploads not enabled on the virtual directory, or (IIS 7 and later) request filtering refusing a body over maxAllowedContentLength (30,000,000 bytes by default). "
                + "The IIS log's substatus (404.13) tells the last apart."
        case 409:
            return "Conflict: the destination file exists and the virtual directory does not allow overwrites. Allow overwrites or choose another remote name."
        case 413:
            return "The server refused a fragment as too large; the client should retry with smaller ones. If it keeps failing, check IIS request filtering's maxAllowedContentLength and BITSMaximumUploadSize."
        case 500:
            return "Internal server error: check the IIS log (win32 status), the Windows event log of the BITS server extension, and the server's disk space."
        case 501:
            return "Not implemented: BITS uploads are not enabled on the virtual directory, or the server has no BITS server extension. Enable BITS uploads on the virtual directory."
        case 502, 503, 504:
            return "The server or a gateway was unavailable or overloaded; the client retries later. Check the application pool, the load balancer and proxy timeouts."
        default:
            return nil
        }
    }
}
