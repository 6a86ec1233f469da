/// Reason phrases of HTTP statuses (RFC 9110 §15, plus the ones bitsmsg.h and IIS name), for the
/// meanings of BG_E_HTTP_ERROR_<status>.
enum HTTPStatusPhrase {
    /// The phrase for `status`, or `nil` when it has none registered.
    static func phrase(for status: UInt32) -> String? {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 203: "Non-Authoritative Information"
        case 204: "No Content"
        case 205: "Reset Content"
        case 206: "Partial Content"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 305: "Use Proxy"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 421: "Misdirected Request"
        case 422: "Unprocessable Content"
        case 426: "Upgrade Required"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 449: "Retry With"
        case 451: "Unavailable For Legal Reasons"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: nil
        }
    }

    /// What a BITS client learns from `status` beyond its phrase (Microsoft's "BITS Return
    /// Values" page), or `nil`.
    static func bitsNote(for status: UInt32) -> String? {
        switch status {
        case 404: "on IIS 7 also: uploads not enabled on the virtual directory, or upload too large"
        case 407: "the proxy wants credentials"
        case 413: "the client shrinks its fragments"
        case 501: "on IIS 6: uploads not enabled on the virtual directory"
        case 503, 504: "transient; the job is retried later"
        default: nil
        }
    }
}
