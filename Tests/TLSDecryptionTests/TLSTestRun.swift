@testable import TLSDecryption

/// What a decryptor gave for a conversation.
struct DecryptedConversation {
    var client: [UInt8] = []
    var server: [UInt8] = []
    var clientLost = 0
    var serverLost = 0
}

/// One step of a conversation: bytes or a gap, from one side.
enum ConversationStep {
    case bytes(TLSSide, [UInt8])
    case gap(TLSSide, UInt64)
}

extension TLSSideName {
    var side: TLSSide { self == .client ? .client : .server }
}

/// Feeds `steps` to `decryptor`, each chunk cut into pieces of at most `piece` bytes (0: whole).
@discardableResult
func feed(_ decryptor: TLSConnectionDecryptor, _ steps: [ConversationStep], piece: Int = 0) -> DecryptedConversation {
    var result = DecryptedConversation()
    func collect(_ side: TLSSide) -> (TLSPlaintextEvent) -> Void {
        { event in
            switch (event, side) {
            case (.data(let bytes), .client): result.client += bytes
            case (.data(let bytes), .server): result.server += bytes
            case (.lost(let records), .client): result.clientLost += records
            case (.lost(let records), .server): result.serverLost += records
            }
        }
    }
    for step in steps {
        switch step {
        case let .gap(side, count):
            decryptor.gap(count, from: side, collect(side))
        case let .bytes(side, bytes):
            let size = piece > 0 ? piece : max(1, bytes.count)
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                bytes[start..<end].withUnsafeBytes { decryptor.receive($0, from: side, collect(side)) }
                start = end
            }
        }
    }
    return result
}

/// Feeds `steps` with every chunk cut once at `cut` (when it is longer).
func feed(_ decryptor: TLSConnectionDecryptor, _ steps: [ConversationStep], cutAt cut: Int) -> DecryptedConversation {
    let cutSteps: [ConversationStep] = steps.flatMap { step -> [ConversationStep] in
        guard case let .bytes(side, bytes) = step, cut > 0, cut < bytes.count else { return [step] }
        return [.bytes(side, Array(bytes[..<cut])), .bytes(side, Array(bytes[cut...]))]
    }
    return feed(decryptor, cutSteps)
}
