/// Records waiting for the writer, oldest first, at most `limit` of them: when the disk is
/// stuck the oldest go first and are counted, so memory stays bounded whatever happens.
/// Appending and dropping the oldest are O(1) amortised. Not thread-safe: the writer keeps
/// it inside its mutex.
struct PendingRecords {
    struct Item {
        /// The writer's sequence number (1, 2, 3… since open), in arrival order.
        var sequence: UInt64
        var record: QueryRecord
        /// The text is already redacted and normalised (a batch put back after a failure).
        var prepared = false
    }

    let limit: Int
    private var items: [Item] = []
    /// Items before `head` are gone (taken or dropped); compacted now and then.
    private var head = 0

    init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    var count: Int { items.count - head }
    var isEmpty: Bool { count == 0 }
    var oldestSequence: UInt64? { isEmpty ? nil : items[head].sequence }

    /// Appends; returns how many of the oldest were dropped to make room (0 or 1).
    mutating func append(_ item: Item) -> Int {
        var dropped = 0
        if count >= limit {
            dropOldest(1)
            dropped = 1
        }
        items.append(item)
        return dropped
    }

    /// Everything waiting, oldest first; leaves the buffer empty.
    mutating func takeAll() -> [Item] {
        let taken = Array(items[head...])
        items.removeAll(keepingCapacity: true)
        head = 0
        return taken
    }

    /// Puts a batch that could not be written back in front of the newer records; what no
    /// longer fits (the oldest) is dropped. Returns how many were dropped.
    mutating func putBack(_ batch: [Item]) -> Int {
        let waiting = Array(items[head...])
        var merged = batch + waiting
        let excess = max(0, merged.count - limit)
        merged.removeFirst(excess)
        items = merged
        head = 0
        return excess
    }

    private mutating func dropOldest(_ n: Int) {
        head += n
        // Compact once the dead prefix is both large and most of the array.
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
