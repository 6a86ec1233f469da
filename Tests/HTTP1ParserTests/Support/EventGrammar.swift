import HTTP1Parser

/// Checks that a finished connection's events make sense whatever the input: each head is
/// followed by its body pieces and exactly one end; request indices count up from 0; every
/// request gets exactly one final response or `unanswered`, never both; body counters in each
/// end match the pieces delivered; a complete Content-Length message accounts for every byte.
enum EventGrammar {
    static func problems(in events: [RecordingDelegate.Event]) -> [String] {
        var problems: [String] = []
        var openRequest: (index: Int, body: UInt64, gap: UInt64)?
        var openResponse: (index: Int?, body: UInt64, gap: UInt64)?
        var requestsSeen = 0
        var settled = Set<Int>()  // answered by a final response or given up

        func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .max : sum
        }

        func checkEnd(_ end: HTTPMessageEnd, body: UInt64, gap: UInt64, _ what: String) {
            if end.bodyBytes != body || end.bodyGapBytes != gap {
                problems.append("\(what): end says \(end.bodyBytes)+\(end.bodyGapBytes), pieces \(body)+\(gap)")
            }
            if case .contentLength(let length) = end.framing {
                let (total, overflow) = end.bodyBytes.addingReportingOverflow(end.bodyGapBytes)
                if end.complete && (overflow || total != length) {
                    problems.append("\(what): complete but \(total) of \(length)")
                }
                if !end.complete && !overflow && total >= length {
                    problems.append("\(what): incomplete with \(total) of \(length)")
                }
            }
        }

        for (position, event) in events.enumerated() {
            let at = "event \(position)"
            switch event {
            case .requestHead(let index, _):
                if openRequest != nil { problems.append("\(at): request head while one is open") }
                if index != requestsSeen { problems.append("\(at): request index \(index), expected \(requestsSeen)") }
                requestsSeen = index + 1
                openRequest = (index, 0, 0)
            case .requestBody(let index, let bytes):
                if openRequest?.index != index { problems.append("\(at): body of request \(index) not open") }
                if bytes.isEmpty { problems.append("\(at): empty body piece") }
                openRequest?.body += UInt64(bytes.count)
            case .requestBodyGap(let index, let length):
                if openRequest?.index != index { problems.append("\(at): gap of request \(index) not open") }
                if length == 0 { problems.append("\(at): empty gap") }
                if let open = openRequest { openRequest = (open.index, open.body, saturatingSum(open.gap, length)) }
            case .requestEnd(let index, let end):
                if let open = openRequest, open.index == index {
                    checkEnd(end, body: open.body, gap: open.gap, at)
                } else {
                    problems.append("\(at): end of request \(index) not open")
                }
                openRequest = nil
            case .responseHead(let index, let head):
                if openResponse != nil { problems.append("\(at): response head while one is open") }
                if let index {
                    if index >= requestsSeen { problems.append("\(at): response to unseen request \(index)") }
                    if settled.contains(index) { problems.append("\(at): response to settled request \(index)") }
                    if !head.isInterim { settled.insert(index) }
                }
                openResponse = (index, 0, 0)
            case .responseBody(let index, let bytes):
                if openResponse == nil || openResponse?.index != index { problems.append("\(at): response body not open") }
                if bytes.isEmpty { problems.append("\(at): empty body piece") }
                openResponse?.body += UInt64(bytes.count)
            case .responseBodyGap(let index, let length):
                if openResponse == nil || openResponse?.index != index { problems.append("\(at): response gap not open") }
                if length == 0 { problems.append("\(at): empty gap") }
                if let open = openResponse { openResponse = (open.index, open.body, saturatingSum(open.gap, length)) }
            case .responseEnd(let index, let end):
                if let open = openResponse, open.index == index {
                    checkEnd(end, body: open.body, gap: open.gap, at)
                } else {
                    problems.append("\(at): response end not open")
                }
                openResponse = nil
            case .unanswered(let index):
                if index >= requestsSeen { problems.append("\(at): unanswered unseen request \(index)") }
                if settled.contains(index) { problems.append("\(at): unanswered settled request \(index)") }
                settled.insert(index)
            case .anomaly:
                break
            }
        }
        if openRequest != nil || openResponse != nil { problems.append("a message is still open after finish") }
        if settled.count != requestsSeen { problems.append("\(requestsSeen - settled.count) request(s) never settled") }
        return problems
    }
}
