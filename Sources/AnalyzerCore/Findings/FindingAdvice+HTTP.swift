extension FindingAdvice {
    /// The HTTP/1.1 parser's codes (HTTPAnomaly), its limits included.
    static let httpAdvice: [(String, String)] = [
        ("http-malformed-start-line",
         "Bytes that are not HTTP where a request or status line was due: another protocol on the port, or damage to the capture. "
            + "Check capture-loss and what else runs on that port."),
        ("http-malformed-header",
         "Header lines not of the form 'name: value': a broken client, server or proxy. "
            + "Capture on both sides of any proxy to see which one sends them."),
        ("http-obsolete-line-folding",
         "A header was continued on a second line, which HTTP/1.1 deprecates: an old client, server or proxy. "
            + "Harmless here, but some servers refuse such requests."),
        ("http-invalid-content-length",
         "A Content-Length that is not a plain number: a broken sender, or a request crafted to confuse proxies (request smuggling). "
            + "Find the sender; a proxy may read the message differently from the server."),
        ("http-conflicting-content-length",
         "Several Content-Length values disagree: a broken sender, or an attempt at request smuggling. "
            + "Find the sender; servers and proxies may disagree on where the message ends."),
        ("http-content-length-with-chunked",
         "Both chunked encoding and Content-Length were sent; chunked wins. "
            + "A sign of a proxy rewriting the message, or of request smuggling."),
        ("http-unsupported-transfer-encoding",
         "A transfer coding other than chunked (e.g. gzip) was used: BITS servers and clients do not send one. "
            + "Suspect a proxy or a non-BITS application on the port."),
        ("http-bad-chunk-size",
         "A chunked body with an unreadable chunk size: a broken sender or damage to the capture. "
            + "Check capture-loss, then the sender."),
        ("http-bad-chunk-delimiter",
         "Chunk data not followed by a line end: a broken sender or damage to the capture. "
            + "Check capture-loss, then the sender."),
        ("http-desync",
         "Bytes missing from the capture fell where message boundaries could not be kept; some requests may be missing. "
            + "See capture-loss and capture-snaplen-cut to capture better."),
        ("http-resync",
         "The parser found a message start again after losing track; the bytes in between were skipped. "
            + "Usually follows capture loss; see the findings before it on the same connection."),
        ("http-response-without-request",
         "A response with no request waiting for it: the request was missing from the capture, or the capture began mid-connection. "
            + "Start the capture before the upload, and check capture-loss."),
        ("http-response-to-lost-request",
         "A response whose request was lost from the capture or could not be parsed. "
            + "Check capture-loss and the HTTP findings before it on the connection."),
        ("http-incomplete-at-end",
         "A message was cut off when the connection or the capture ended: a reset, a timeout, or the capture stopping. "
            + "If the capture ran on, check the IIS log and any proxy for aborted requests."),
        ("http-data-after-end",
         "Bytes arrived after the connection had ended (after a FIN or reset): retransmissions or a broken TCP stack. "
            + "Usually harmless."),
        ("limit-http-header-block",
         "A header block larger than http.maxHeaderBlockBytes: non-HTTP data, or very large headers (e.g. Kerberos tokens). "
            + "Raise the limit if the headers are genuine."),
        ("limit-http-header-count",
         "More header fields than http.maxHeaderCount. "
            + "Raise the limit if the message is genuine; otherwise suspect non-HTTP data."),
        ("limit-http-resync-scan",
         "No HTTP message start was found after losing track: the rest of the direction is not HTTP, or badly damaged. "
            + "Check what runs on the port and capture-loss; raise http.maxResyncScanBytes to search further."),
        ("limit-http-pending-requests",
         "More requests were waiting for a response than http.maxPendingRequests: responses are missing from the capture, or the client pipelines heavily. "
            + "Check capture-one-sided and capture-loss."),
    ]
}
