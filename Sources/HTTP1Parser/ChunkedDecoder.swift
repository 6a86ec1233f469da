/// Removes chunked transfer coding (RFC 9112 §7.1) from a body arriving in pieces of any size,
/// handing out the chunk data as slices of the input, never copying or buffering it.
///
/// Chunk-size lines and trailers are read byte by byte without being stored: the size is
/// accumulated as it goes, extensions and trailer fields are skipped. Each line is bounded
/// (``maxSizeLineBytes``; trailers by the head limits) so that a hostile body cannot stall it.
struct ChunkedDecoder {
    /// The longest chunk-size line accepted, extensions included. RFC 9112 sets no bound; real
    /// extensions are rare and short, and a line this long is far more likely garbage.
    static let maxSizeLineBytes = 4096
    /// More significant hexadecimal digits than this cannot fit 64 bits.
    static let maxSignificantDigits = 16

    /// What one call to ``step(_:at:)`` produced.
    enum Step {
        /// Chunk data, a slice of the input (never empty).
        case data(UnsafeRawBufferPointer)
        /// All input was consumed without finishing the body.
        case needMore
        /// The last chunk and the trailer were read; input after the body is untouched.
        case finished
        /// The framing is broken; the offending byte is the next input byte, not consumed.
        case failed(HTTPAnomaly)
    }

    /// What a gap in the body did.
    enum GapOutcome: Equatable {
        /// The whole gap fell inside chunk data and was skipped.
        case skipped
        /// The gap hit framing or ran past the chunk; `dataBytes` of it were chunk data.
        case lostFraming(dataBytes: UInt64)
    }

    private enum Phase {
        case sizeDigits, sizeWhitespace, sizeExtension, sizeCarriageReturn
        case data, dataCarriageReturn, dataLineFeed
        case trailer
    }

    private var phase = Phase.sizeDigits
    private var size: UInt64 = 0
    private var sawDigit = false
    private var significantDigits = 0
    private var lineBytes = 0
    /// Chunk data bytes still to come in the current chunk.
    private(set) var remainingInChunk: UInt64 = 0
    // Trailer bookkeeping.
    private var trailerBytes = 0
    private var trailerFields = 0
    private var trailerLineBytes = 0
    private var trailerLineEndsWithCR = false
    private let maxTrailerBytes: Int
    private let maxTrailerFields: Int

    /// A decoder at the start of a chunked body; the trailer is bounded like a header block.
    init(maxTrailerBytes: Int, maxTrailerFields: Int) {
        self.maxTrailerBytes = maxTrailerBytes
        self.maxTrailerFields = maxTrailerFields
    }

    /// Consumes input from `index` until it yields data, finishes, fails or runs out of input.
    mutating func step(_ input: UnsafeRawBufferPointer, at index: inout Int) -> Step {
        while index < input.count {
            if phase == .data {
                // Bounded by the input size, so the conversion back to Int cannot fail.
                let available = UInt64(input.count - index)
                let take = Int(min(remainingInChunk, available))
                let slice = UnsafeRawBufferPointer(rebasing: input[index..<(index + take)])
                index += take
                remainingInChunk -= UInt64(take)
                if remainingInChunk == 0 { phase = .dataCarriageReturn }
                return .data(slice)
            }
            let byte = input[index]
            if phase == .trailer {
                switch trailerByte(byte) {
                case .more: index += 1
                case .finished: index += 1; return .finished
                case .failed(let anomaly): return .failed(anomaly)
                }
                continue
            }
            if let failure = framingByte(byte) { return .failed(failure) }
            index += 1
        }
        return .needMore
    }

    /// Skips `length` missing bytes.
    mutating func skipGap(length: UInt64) -> GapOutcome {
        guard phase == .data, length <= remainingInChunk else {
            return .lostFraming(dataBytes: phase == .data ? remainingInChunk : 0)
        }
        remainingInChunk -= length
        if remainingInChunk == 0 { phase = .dataCarriageReturn }
        return .skipped
    }

    /// One byte of a chunk-size line or of the line end after chunk data; the failure if it is wrong.
    private mutating func framingByte(_ byte: UInt8) -> HTTPAnomaly? {
        switch phase {
        case .dataCarriageReturn:
            if byte == ASCII.carriageReturn { phase = .dataLineFeed; return nil }
            if byte == ASCII.lineFeed { startSizeLine(); return nil }
            return .badChunkDelimiter
        case .dataLineFeed:
            if byte == ASCII.lineFeed { startSizeLine(); return nil }
            return .badChunkDelimiter
        default:
            break
        }
        lineBytes += 1
        guard lineBytes <= Self.maxSizeLineBytes else {
            return .badChunkSize("line longer than \(Self.maxSizeLineBytes) bytes")
        }
        if byte == ASCII.lineFeed {
            guard sawDigit else { return .badChunkSize("no hexadecimal digits") }
            endSizeLine()
            return nil
        }
        switch phase {
        case .sizeDigits:
            if let digit = ASCII.hexValue(byte) {
                sawDigit = true
                // Leading zeros carry no value; past 16 significant digits the size cannot fit.
                if size != 0 || digit != 0 { significantDigits += 1 }
                guard significantDigits <= Self.maxSignificantDigits else {
                    return .badChunkSize("more than \(Self.maxSignificantDigits) significant hexadecimal digits")
                }
                size = size << 4 | UInt64(digit)  // at most 16 digits: no bit is shifted out
                return nil
            }
            return afterDigits(byte)
        case .sizeWhitespace:
            return afterDigits(byte)
        case .sizeExtension:
            return nil  // extensions are ignored up to the line feed
        case .sizeCarriageReturn:
            return .badChunkSize("carriage return not followed by a line feed")
        default:
            return nil
        }
    }

    /// The byte after the size digits: optional whitespace, then `;` extensions or the line end.
    private mutating func afterDigits(_ byte: UInt8) -> HTTPAnomaly? {
        guard sawDigit else { return .badChunkSize(Self.unexpected(byte)) }
        switch byte {
        case ASCII.space, ASCII.tab: phase = .sizeWhitespace
        case ASCII.semicolon: phase = .sizeExtension
        case ASCII.carriageReturn: phase = .sizeCarriageReturn
        default: return .badChunkSize(Self.unexpected(byte))
        }
        return nil
    }

    private mutating func startSizeLine() {
        phase = .sizeDigits
        size = 0
        sawDigit = false
        significantDigits = 0
        lineBytes = 0
    }

    private mutating func endSizeLine() {
        if size == 0 {
            phase = .trailer
            trailerLineBytes = 0
            trailerLineEndsWithCR = false
        } else {
            phase = .data
            remainingInChunk = size
        }
    }

    private enum TrailerStep {
        case more, finished, failed(HTTPAnomaly)
    }

    /// One trailer byte (trailer fields are skipped, not parsed); finished at the empty line.
    private mutating func trailerByte(_ byte: UInt8) -> TrailerStep {
        guard trailerBytes < maxTrailerBytes else { return .failed(.headerBlockTooLarge(limit: maxTrailerBytes)) }
        if byte == ASCII.lineFeed {
            let blank = trailerLineBytes == 0 || (trailerLineBytes == 1 && trailerLineEndsWithCR)
            if blank { return .finished }
            guard trailerFields < maxTrailerFields else { return .failed(.tooManyHeaders(limit: maxTrailerFields)) }
            trailerFields += 1
            trailerBytes += 1
            trailerLineBytes = 0
            trailerLineEndsWithCR = false
            return .more
        }
        trailerBytes += 1
        trailerLineBytes += 1
        trailerLineEndsWithCR = byte == ASCII.carriageReturn
        return .more
    }

    /// `unexpected byte 0x47`, for a chunk-size anomaly.
    private static func unexpected(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "unexpected byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
