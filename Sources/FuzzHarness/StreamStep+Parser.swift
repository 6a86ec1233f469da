import AnalyzerCore
import HTTP1Parser

extension StreamStep {
    /// Hands a data, gap or end step to the HTTP parser of its slot (`parser(slot)`, opened on
    /// demand by the caller); a gap of length 0 is a loss of unknown size.
    /// - Returns: the slot a `.close` step closes (each target finishes it in its own way), else `nil`.
    func feed(time: CaptureTimestamp, to parser: (Int) -> HTTPConnectionParser) -> Int? {
        switch self {
        case .data(let index, let direction, let bytes):
            parser(index).receive(bytes, direction: direction, time: time)
        case .gap(let index, let direction, let length) where length == 0:
            // An empty gap does nothing; it stands for a loss of unknown size (lost TLS plaintext).
            parser(index).receiveLoss(direction: direction, time: time)
        case .gap(let index, let direction, let length):
            parser(index).receiveGap(length: length, direction: direction, time: time)
        case .end(let index, let direction):
            parser(index).end(direction: direction, time: time)
        case .close(let index):
            return index
        }
        return nil
    }
}
