import AnalyzerCore
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Hands items from the thread that makes them to a thread of its own that consumes them, in
/// order, through a ring of reused batches: the producer fills one batch while the consumer empties
/// others. ``AnalysisEngine`` uses it to read and decode packets on one core while another
/// reassembles and analyses them; the CLI, to render and write the JSON timeline on a third
/// (`TimelineWritingThread`).
///
/// Bounded: at most ``Size/batches`` batches of ``Size/itemsPerBatch`` items (and about
/// ``Size/bytesPerBatch`` kept bytes each) are in flight, so a slow consumer holds up the producer
/// rather than letting memory grow. Items live in storage allocated once; the consumer only reads
/// them (or changes plain fields of them in place), and the producer destroys them when it takes the batch back, so whatever they reference
/// is freed on the thread that allocated it (freeing another thread's memory costs the allocator
/// its locks).
public final class HandoffRing<Item>: @unchecked Sendable {
    // @unchecked: each batch is owned by one thread at a time; the counts below, stored with
    // release and loaded with acquire ordering, pass the ownership (and order the memory) at every
    // hand-over.

    /// How large a ring is.
    public struct Size: Sendable {
        /// Batches in the ring.
        public var batches: Int
        /// Items per batch.
        public var itemsPerBatch: Int
        /// Kept bytes past which a batch is handed over before it is full of items. One run of
        /// bytes larger than the room left still goes in whole: the store grows for it.
        public var bytesPerBatch: Int

        /// A size; each figure at least 1 (2 batches).
        public init(batches: Int, itemsPerBatch: Int, bytesPerBatch: Int) {
            self.batches = max(2, batches)
            self.itemsPerBatch = max(1, itemsPerBatch)
            self.bytesPerBatch = max(1, bytesPerBatch)
        }

        /// The decoded packets between the reading and the analysing thread (`handoff.*` in
        /// docs/limits.md): 8 batches of 256 segments or 1 MiB of payload. Small enough that a
        /// batch's items are still in the caches when the consumer takes them.
        public static var packets: Size { Size(batches: 8, itemsPerBatch: 256, bytesPerBatch: 1 << 20) }
    }

    /// This ring's size.
    public let size: Size

    /// One batch: its items and kept bytes. A struct in storage the ring allocates once, reached
    /// through a pointer: using a batch costs no reference counting (a class instance read out of an
    /// array was a retain and a release per item). Owned by one thread at a time (see the ring).
    private struct Batch {
        let items: UnsafeMutablePointer<Item>
        var count = 0
        /// The kept bytes (grown when a run does not fit: a run larger than a batch's room).
        var bytes: GrowableBytes
        /// Set by ``HandoffRing/finish()``: nothing follows this batch.
        var isLast = false
        /// What the consumer noted after emptying this batch (``HandoffRing/consumerNote``).
        var note = 0

        init(items capacity: Int, byteCapacity storeBytes: Int) {
            items = .allocate(capacity: capacity)
            bytes = GrowableBytes(capacity: storeBytes, alignment: 16)
        }

        /// Destroys the items left and frees the storage.
        mutating func release() {
            items.deinitialize(count: count)
            count = 0
            items.deallocate()
            bytes.deallocate()
        }

        /// Destroys the items (on the producer's thread, which made them) and forgets the kept bytes.
        mutating func empty() {
            items.deinitialize(count: count)
            count = 0
            bytes.removeAll()
        }
    }

    private let ring: UnsafeMutablePointer<Batch>

    /// Signalled once, when the consumer has replayed the last batch.
    private let done = DispatchSemaphore(value: 0)
    /// Batches handed to the consumer so far, and batches it emptied: a thread waits for the other
    /// by watching its count (``wait(napping:until:)``).
    private let handedOver = Atomic<Int>(0)
    private let emptied = Atomic<Int>(0)
    /// The producer's batch.
    @exclusivity(unchecked) private var writing = 0
    /// Batches the producer handed over (its own count of `handedOver`).
    @exclusivity(unchecked) private var handedOverByProducer = 0
    @exclusivity(unchecked) private var state = State.idle
    /// What the consumer's `afterBatch` returned for the last batch the producer took back: a
    /// progress figure of the consumer's (e.g. sessions so far) that the producer may read without
    /// a race, since each batch carries its own note and belongs to one thread at a time.
    @exclusivity(unchecked) public private(set) var consumerNote = 0

    private enum State { case idle, running, finished }

    /// How long the consumer naps while waiting for a batch, in microseconds.
    private let consumerNap: UInt32

    /// An empty ring of `size`, whose consumer naps `consumerNapMicroseconds` at a time while it
    /// waits for a batch (``consumerNapMicroseconds`` unless said).
    public init(size: Size = .packets, consumerNapMicroseconds: UInt32 = HandoffRing.consumerNapMicroseconds) {
        self.size = size
        consumerNap = max(1, consumerNapMicroseconds)
        ring = .allocate(capacity: size.batches)
        for index in 0..<size.batches {
            (ring + index).initialize(to: Batch(items: size.itemsPerBatch, byteCapacity: size.bytesPerBatch))
        }
    }

    deinit {
        for index in 0..<size.batches { ring[index].release() }
        ring.deinitialize(count: size.batches)
        ring.deallocate()
    }

    /// Starts the consumer thread, which calls `consume` with each item and its batch's kept bytes,
    /// and `afterBatch` after each batch (its result becomes ``consumerNote``). Until ``finish()``
    /// returns, whatever these closures touch belongs to the consumer thread.
    public func start(consume: @escaping (borrowing Item, UnsafeRawBufferPointer) -> Void,
                      afterBatch: @escaping () -> Int = { 0 }) {
        start(consumingInPlace: { item, bytes in consume(item.pointee, bytes) }, afterBatch: afterBatch)
    }

    /// Starts the consumer thread like ``start(consume:afterBatch:)``, handing `consume` each item
    /// where it lies in its batch rather than a copy: the consumer thread owns the batch meanwhile,
    /// so it may change the item (e.g. point a field into the kept bytes) before using it in place.
    /// What the item references must stay as the producer made it: the producer destroys it.
    public func start(consumingInPlace consume: @escaping (UnsafeMutablePointer<Item>, UnsafeRawBufferPointer) -> Void,
                      afterBatch: @escaping () -> Int = { 0 }) {
        start(ClosureConsumer(each: consume, after: afterBatch))
    }

    /// Starts the consumer thread with `consumer`, whose ``HandoffConsumer/consume(_:bytes:)`` gets
    /// each item in place (as ``start(consumingInPlace:afterBatch:)`` does) and whose
    /// ``HandoffConsumer/afterBatch()`` runs after each batch. The consume loop is specialised on
    /// the consumer's type: each item costs a direct (usually inlined) call rather than a closure's
    /// indirect one and the forwarding of its captured values. Until ``finish()`` returns, the
    /// consumer and whatever it references belong to the consumer thread.
    public func start<Consumer: HandoffConsumer>(_ consumer: Consumer) where Consumer.Item == Item {
        precondition(state == .idle, "HandoffRing.start called twice")
        state = .running
        // One plain closure carried over: a Sendable one capturing the consumer's type would have
        // to capture its (non-Sendable) metatype.
        let run = UncheckedTransfer { [self] in
            var consumer = consumer
            consumeUntilFinished(&consumer)
        }
        DispatchQueue(label: "bitsnoop.handoff").async { run.value() }
    }

    /// Adds an item (on the producer's thread); hands the batch over when full.
    public func append(_ item: consuming Item) {
        // Only between start() and finish(): before, or after, nothing would empty the ring.
        precondition(state == .running, "HandoffRing.append outside start() and finish()")
        let batch = ring + writing
        (batch.pointee.items + batch.pointee.count).initialize(to: item)
        batch.pointee.count += 1
        if batch.pointee.count == size.itemsPerBatch || batch.pointee.bytes.count >= size.bytesPerBatch { handOver() }
    }

    /// Keeps bytes in the producer's batch, for the next item; says where they start.
    @inline(__always)
    public func keep(_ bytes: UnsafeRawBufferPointer) -> Int { ring[writing].bytes.append(bytes) }

    /// Keeps the bytes `write` appends in the producer's batch, for the next item, written there in
    /// place (no copy through storage of the producer's own); says where they are.
    @inline(__always)
    public func keep(writing write: (inout GrowableBytes) -> Void) -> Range<Int> {
        let start = ring[writing].bytes.count
        write(&ring[writing].bytes)
        return start..<ring[writing].bytes.count
    }

    /// Hands over what is added and waits until the consumer consumed it all and stopped. Calling
    /// it again, or before ``start()``, does nothing.
    public func finish() {
        guard state == .running else { return }
        state = .finished
        ring[writing].isLast = true
        handedOver.add(1, ordering: .releasing)
        done.wait()
    }

    private func handOver() {
        handedOver.add(1, ordering: .releasing)
        handedOverByProducer += 1
        // Batches free beside the one just handed over: `batches - 1` at first, one more per
        // batch emptied.
        let needed = handedOverByProducer - (size.batches - 1)
        // The ring is full: the consumer has `batches - 1` batches to go through, so the producer
        // can nap long without starving it (and leaves the core to others meanwhile).
        Self.wait(napping: Self.producerNapMicroseconds) { emptied.load(ordering: .acquiring) >= needed }
        writing = (writing + 1) % size.batches
        // The consumer only read the batch's items (or changed plain fields): they are destroyed here, on the thread that made
        // them, where the allocator frees their memory fastest (freeing another thread's memory
        // costs the allocator's locks).
        consumerNote = ring[writing].note
        ring[writing].empty()
    }

    /// Waits until `ready` (the other thread's count has moved on): looks ``spinTries`` times,
    /// then naps `nap` microseconds at a time. Neither thread ever has to wake the other: with a
    /// semaphore, each hand-over to a sleeping thread cost the signalling one a system call (some
    /// ten microseconds in a virtual machine: a tenth of the reader's time on the bulk workload,
    /// where the analysis waits for the reader, and the same on the analysing thread on the busy
    /// one, where the reader waits). The looking is kept short, so that a thread that waits long
    /// (the reader of a busy server's capture) leaves its core to the system's work.
    private static func wait(napping nap: UInt32, until ready: () -> Bool) {
        var tries = 0
        while !ready() {
            tries += 1
            if tries >= spinTries { usleep(nap) }
        }
    }

    /// Looks at the other thread's count before napping (`handoff.spinTries` in docs/limits.md):
    /// an atomic load each, a few microseconds in all.
    static var spinTries: Int { 2_000 }
    /// The consumer's nap while waiting for a batch (`handoff.consumerNapMicroseconds`), unless
    /// the ring is made with another: short, since the producer may hand one over at any time.
    public static var consumerNapMicroseconds: UInt32 { 50 }
    /// The producer's nap while waiting for a free batch (`handoff.producerNapMicroseconds`): the
    /// consumer then has a full ring to go through.
    static var producerNapMicroseconds: UInt32 { 500 }

    /// The consumer thread: empties batches in ring order, up to the last.
    private func consumeUntilFinished<Consumer: HandoffConsumer>(_ consumer: inout Consumer) where Consumer.Item == Item {
        var reading = 0
        var taken = 0
        while true {
            taken += 1
            Self.wait(napping: consumerNap) { handedOver.load(ordering: .acquiring) >= taken }
            let batch = ring + reading
            let store = batch.pointee.bytes.bytes, items = batch.pointee.items
            for index in 0..<batch.pointee.count { consumer.consume(items + index, bytes: store) }
            batch.pointee.note = consumer.afterBatch()
            if batch.pointee.isLast { break }
            reading = (reading + 1) % size.batches
            emptied.add(1, ordering: .releasing)
        }
        done.signal()
    }
}

/// What a ``HandoffRing``'s consumer thread does (``HandoffRing/start(_:)``): a type rather than a
/// closure, so that the ring's consume loop is specialised on it and calls it directly.
public protocol HandoffConsumer {
    /// The ring's items.
    associatedtype Item
    /// Consumes one item where it lies in its batch, with the batch's kept bytes (see
    /// ``HandoffRing/start(consumingInPlace:afterBatch:)`` for what it may change).
    mutating func consume(_ item: UnsafeMutablePointer<Item>, bytes: UnsafeRawBufferPointer)
    /// Runs after each batch; the result becomes the ring's ``HandoffRing/consumerNote``.
    mutating func afterBatch() -> Int
}

/// The consumer of the closure-taking `start` methods.
private struct ClosureConsumer<Item>: HandoffConsumer {
    let each: (UnsafeMutablePointer<Item>, UnsafeRawBufferPointer) -> Void
    let after: () -> Int
    func consume(_ item: UnsafeMutablePointer<Item>, bytes: UnsafeRawBufferPointer) { each(item, bytes) }
    func afterBatch() -> Int { after() }
}

/// Carries a value (the ring, its consumer) into the consumer thread's closure; see
/// ``HandoffRing`` for why that is sound.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
