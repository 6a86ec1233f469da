import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Testing

/// The timeline's request objects name the error code and context, and say what the code means.
@Suite struct TimelineErrorNamesTests {
    @Test("error_meaning follows error_name and error_context_name follows error_context")
    func namedError() throws {
        var failed = ReportFixtures.request(.fragment, at: 0, status: 404)
        failed.errorCode = BITSErrorCode(0x8019_0194)
        failed.errorContext = "0x5"
        var unknown = ReportFixtures.request(.closeSession, at: 10, status: 500)
        unknown.errorCode = BITSErrorCode(0x8123_4567)
        unknown.errorContext = "garbage"
        let plain = ReportFixtures.request(.ping, at: 20)
        let bytes = TimelineDocumentWriter.document(
            captures: ["test.pcap"], precision: .microseconds,
            sessions: [ReportFixtures.session(requests: [failed, unknown, plain])], findings: [], counters: [])
        let text = String(decoding: bytes, as: UTF8.self)

        // Member order within the first request.
        let order = ["\"error_code\"", "\"error_name\"", "\"error_meaning\"", "\"error_context\"", "\"error_context_name\"",
                     "\"challenge\""].map { text.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil })
        let positions = order.compactMap { $0 }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 })

        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let sessions = try #require(document["sessions"] as? [[String: Any]])
        let requests = try #require(sessions.first?["requests"] as? [[String: Any]])
        try #require(requests.count == 3)
        #expect(requests[0]["error_name"] as? String == "BG_E_HTTP_ERROR_404")
        #expect((requests[0]["error_meaning"] as? String)?.hasPrefix("the server answered HTTP 404 Not Found") == true)
        #expect(requests[0]["error_context_name"] as? String == "BG_ERROR_CONTEXT_REMOTE_FILE")
        #expect(requests[1]["error_name"] is NSNull)
        #expect(requests[1]["error_meaning"] is NSNull)
        #expect(requests[1]["error_context"] as? String == "garbage")
        #expect(requests[1]["error_context_name"] is NSNull)
        #expect(requests[2]["error_meaning"] is NSNull)
        #expect(requests[2]["error_context_name"] is NSNull)
    }
}
