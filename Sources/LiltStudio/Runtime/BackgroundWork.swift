import Dispatch
import Synchronization

/// Where the studio's background work (loading a model, generating, rendering WAV, preparing a corpus)
/// runs: on queues of its own, or — in tests — at once on the caller's thread, or when the test says.
public enum BackgroundWork: Sendable {
    /// Two serial queues: one for the model (load, generate, predict, in order), one for files.
    case threads
    /// At once, on the thread that asks.
    case inline
    /// Held until the test calls `ManualWork.runAll()`.
    case manual(ManualWork)
}

/// Work held for a test to run when it chooses (to let the user act while a generation is "running").
public final class ManualWork: Sendable {
    private let queue = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    func add(_ work: @escaping @Sendable () -> Void) { queue.withLock { $0.append(work) } }

    /// How many pieces of work wait.
    public var pending: Int { queue.withLock { $0.count } }

    /// Runs everything waiting (and whatever that adds), in order; returns how many ran.
    @discardableResult
    public func runAll() -> Int {
        var count = 0
        while let next = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            next()
            count += 1
        }
        return count
    }
}

/// The queue the studio's kind of work goes on.
enum WorkLane {
    case model, files
}

/// Runs background work the way `BackgroundWork` says.
struct WorkRunner: Sendable {
    let mode: BackgroundWork
    private let modelQueue = DispatchQueue(label: "lilt.model", qos: .userInitiated)
    private let filesQueue = DispatchQueue(label: "lilt.files", qos: .utility)

    init(_ mode: BackgroundWork) { self.mode = mode }

    func run(on lane: WorkLane, _ work: @escaping @Sendable () -> Void) {
        switch mode {
        case .threads: (lane == .model ? modelQueue : filesQueue).async(execute: work)
        case .inline: work()
        case .manual(let manual): manual.add(work)
        }
    }
}

/// What background work hands back to the loop: events for the update, or a corpus ready for the
/// training job the runtime makes.
enum InboxItem: Sendable {
    case event(StudioEvent)
    case corpusReady(CorpusForTraining)
}

/// Results posted from any thread, drained by the loop in order.
final class Inbox: Sendable {
    private let items = Mutex<[InboxItem]>([])
    private let running = Atomic<Int>(0)

    /// Work is under way or results wait (checked after draining, so a result posted in between is never
    /// left waiting for a key).
    var isBusy: Bool { running.load(ordering: .acquiring) > 0 || hasItems }
    var hasItems: Bool { items.withLock { !$0.isEmpty } }

    func started() { running.add(1, ordering: .releasing) }
    func post(_ event: StudioEvent) { items.withLock { $0.append(.event(event)) } }
    func post(_ item: InboxItem) { items.withLock { $0.append(item) } }
    func finished(_ item: InboxItem) {
        items.withLock { $0.append(item) }
        running.subtract(1, ordering: .releasing)
    }
    func finished(_ event: StudioEvent) { finished(.event(event)) }

    func takeFirst() -> InboxItem? { items.withLock { $0.isEmpty ? nil : $0.removeFirst() } }
}
