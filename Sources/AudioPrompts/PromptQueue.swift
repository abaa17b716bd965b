/// A prompt waiting on an output.
struct QueuedPrompt: Sendable {
    var ticket: UInt64
    var label: String
    var source: PromptSource
    var priority: PromptPriority
    var enqueuedAt: ContinuousClock.Instant
    /// Times the device was lost before any of it was written; it is retried once.
    var unheardAttempts = 0
}

/// One output's waiting prompts: highest priority first, first come first within a
/// priority, at most `limit` of them. Pure; the output guards it with its lock.
struct PromptQueue {
    let limit: Int
    private(set) var items: [QueuedPrompt] = []

    init(limit: Int) { self.limit = max(1, limit) }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var highestPriority: PromptPriority? { items.map(\.priority).max() }

    /// Adds a prompt; when full, drops the oldest prompt of the lowest priority not above
    /// the new one's (so guidance never pushes out an announcement), or else the new one.
    /// Returns what was dropped.
    mutating func push(_ prompt: QueuedPrompt) -> QueuedPrompt? {
        guard items.count >= limit else {
            items.append(prompt)
            return nil
        }
        let victims = items.indices.filter { items[$0].priority <= prompt.priority }
        guard let lowest = victims.map({ items[$0].priority }).min(),
              let victim = victims.first(where: { items[$0].priority == lowest }) else { return prompt }
        let dropped = items.remove(at: victim)
        items.append(prompt)
        return dropped
    }

    /// Puts back a prompt the device lost before a sample of it was written, ahead of its
    /// priority's others; it may exceed the limit by this one prompt.
    mutating func putBack(_ prompt: QueuedPrompt) {
        items.insert(prompt, at: items.firstIndex { $0.priority <= prompt.priority } ?? items.endIndex)
    }

    /// The next prompt to play.
    mutating func popNext() -> QueuedPrompt? {
        guard let top = highestPriority, let index = items.firstIndex(where: { $0.priority == top }) else { return nil }
        return items.remove(at: index)
    }
}
