import HallModel
import IntentMatching

/// A queue ticket number in a visitor's question: "我的号是A032", "A032号在哪",
/// "my ticket is a032". Found before matching, and taken out of the text the matcher
/// sees, so that "A032号" is never read as window 32.
struct TicketQuestion: Sendable, Hashable {
    var ticket: TicketNumber
    /// The zone that issues its prefix; nil when the hall issues no such prefix.
    var zone: String?
}

enum TicketReading {
    /// Chinese digits as spoken one by one after the letter ("A零三二").
    static let chineseDigits: [UInt32: UInt32] = [
        0x96F6: 0, 0x3007: 0, 0x4E00: 1, 0x5E7A: 1, 0x4E8C: 2, 0x4E24: 2, 0x4E09: 3, 0x56DB: 4,
        0x4E94: 5, 0x516D: 6, 0x4E03: 7, 0x516B: 8, 0x4E5D: 9,
    ]
    static let hao: UInt32 = 0x53F7  // 号

    /// The first ticket number in `text` and the text with it blanked out. A prefix the
    /// hall issues is enough; an unknown one counts only beside 号 or "ticket"/"number"
    /// ("我的号是Z032", "Z032号"), so "G20" or "5A" in a question stay words.
    static func find(in text: String, tickets: TicketTable) -> (question: TicketQuestion, rest: String)? {
        guard !tickets.zoneByPrefix.isEmpty, mayHoldTicket(text) else { return nil }
        let scalars = Array(text.unicodeScalars)
        let folded = scalars.map { fold($0.value) }
        var i = 0
        while i < folded.count {
            guard isLetter(folded[i]), i == 0 || !isLetterOrDigit(folded[i - 1]) else { i += 1; continue }
            var j = i
            var letters = ""
            while j < folded.count, isLetter(folded[j]), letters.count < 3 {
                letters.unicodeScalars.append(Unicode.Scalar(folded[j] & ~0x20)!)
                j += 1
            }
            let uppercaseStart = folded[i] <= 0x5A
            if j < folded.count, folded[j] == 0x2D || (folded[j] == 0x20 && uppercaseStart) { j += 1 }
            var digits = ""
            while j < folded.count, digits.count < 5, let d = digit(folded[j]) {
                digits.unicodeScalars.append(Unicode.Scalar(0x30 + d)!)
                j += 1
            }
            let endsClean = j == folded.count || !isLetterOrDigit(folded[j])
            if (1...2).contains(letters.count), (2...4).contains(digits.count), endsClean {
                let zone = tickets.zone(forPrefix: letters)
                if zone != nil || hasTicketCue(folded, start: i, end: j) {
                    var rest = String.UnicodeScalarView()
                    rest.append(contentsOf: scalars[..<i])
                    rest.append(" ")
                    rest.append(contentsOf: scalars[j...])
                    return (TicketQuestion(ticket: TicketNumber(prefix: letters, digits: digits), zone: zone), String(rest))
                }
            }
            i = max(j, i + 1)
        }
        return nil
    }

    /// A letter followed by a digit (directly or after '-' or a space): the only text worth
    /// a closer look. Most questions have none, and are passed without an allocation.
    static func mayHoldTicket(_ text: String) -> Bool {
        var afterLetter = false, afterSeparator = false
        for scalar in text.unicodeScalars {
            let c = fold(scalar.value)
            if isLetter(c) {
                (afterLetter, afterSeparator) = (true, false)
                continue
            }
            if (afterLetter || afterSeparator) && digit(c) != nil { return true }
            afterSeparator = afterLetter && (c == 0x2D || c == 0x20)
            afterLetter = false
        }
        return false
    }

    private static func hasTicketCue(_ text: [UInt32], start: Int, end: Int) -> Bool {
        if end < text.count, text[end] == hao { return true }
        let before = String(String.UnicodeScalarView(text[max(0, start - 10)..<start].compactMap(Unicode.Scalar.init))).lowercased()
        return before.contains("号") || before.contains("ticket") || before.contains("number")
    }

    /// Full-width ASCII to ASCII.
    @inline(__always) static func fold(_ c: UInt32) -> UInt32 { c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c }
    @inline(__always) static func isLetter(_ c: UInt32) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    @inline(__always) static func isLetterOrDigit(_ c: UInt32) -> Bool { isLetter(c) || (c >= 0x30 && c <= 0x39) }
    @inline(__always) static func digit(_ c: UInt32) -> UInt32? { c >= 0x30 && c <= 0x39 ? c - 0x30 : chineseDigits[c] }
}

extension Hall {
    /// The matcher's decision, with a ticket number read first: a ticket decides the
    /// destination (its zone) unless the rest of the question clearly asks for another
    /// place ("我的号是A032，厕所在哪" goes to the restrooms).
    /// The decision for a question: the ticket it names, the matcher's, and then the
    /// visitor's context (a context rule that decides sets the ticket aside).
    func understand(_ query: String, in context: VisitorContext?, scratch: inout MatchScratch) -> (decision: MatchDecision, ticket: TicketQuestion?) {
        let (decision, ticket) = understand(query, scratch: &scratch)
        guard let context, !context.isEmpty else { return (decision, ticket) }
        let resolved = context.resolve(decision, matcher: matcher, scratch: scratch)
        if case .context = resolved.rule { return (resolved, nil) }
        return (resolved, ticket)
    }

    func understand(_ query: String, scratch: inout MatchScratch) -> (decision: MatchDecision, ticket: TicketQuestion?) {
        guard let (question, rest) = TicketReading.find(in: query, tickets: map.tickets) else {
            return (matcher.match(query, scratch: &scratch), nil)
        }
        var decision = matcher.match(rest, scratch: &scratch)
        if decision.outcome == .route, decision.destination != question.zone {
            // A window number, or a guess from a labelled example, gives way to the ticket.
            switch decision.rule {
            case .windowNumber, .windowAlternatives, .similarExample: break
            default: return (decision, question)
            }
        }
        guard let zone = question.zone else {
            decision.outcome = .fallback
            (decision.destination, decision.intent, decision.candidates, decision.confidence) = (nil, nil, [], 0)
            return (decision, question)
        }
        decision.outcome = .route
        decision.destination = zone
        decision.intent = intentID(forDestination: zone)
        decision.candidates = []
        decision.confidence = 1
        decision.rule = .clearWinner
        decision.usedHomophones = false
        return (decision, question)
    }

    /// Whether the ticket, not the matcher, chose the answer's destination.
    func ticketDecided(_ ticket: TicketQuestion?, _ decision: MatchDecision) -> Bool {
        guard let ticket else { return false }
        return ticket.zone == nil ? decision.outcome == .fallback : decision.destination == ticket.zone
    }

    /// The rule an answer reports when a ticket chose it.
    func ticketRule(_ ticket: TicketQuestion) -> String {
        ticket.zone.map { "ticket \(ticket.ticket): prefix \(ticket.ticket.prefix) is issued by \($0)" }
            ?? "ticket \(ticket.ticket): the hall issues no prefix \(ticket.ticket.prefix)"
    }

    /// The sentence for a ticket whose prefix the hall does not issue.
    func unknownTicketSentence(_ ticket: TicketQuestion, _ language: Language) -> String {
        let desk = map.place(Self.fallbackDestination)?.name[language] ?? "咨询导服台"
        return language == .zh
            ? "\(ticket.ticket)不是本大厅的号。请到大厅中央的\(desk)，工作人员会帮助您。"
            : "\(ticket.ticket) is not a ticket of this hall. Please ask at \(desk) in the centre of the hall."
    }
}

extension Hall {
    /// The first intent that leads to a destination (its answer is the zone's lead sentence).
    func intentID(forDestination destination: String) -> String? {
        intents.intents.first { $0.destination == destination }?.id
    }
}

extension Hall {
    /// Marks an answer the ticket chose: its number, rule and, for a prefix the hall does
    /// not issue, the sentence saying so.
    func noteTicket(_ ticket: TicketQuestion?, _ decision: MatchDecision, in answer: inout Answer) {
        guard let ticket else { return }
        answer.ticket = ticket.ticket.text
        guard ticketDecided(ticket, decision) else { return }
        answer.rule = ticketRule(ticket)
        if ticket.zone == nil { answer.answer = unknownTicketSentence(ticket, decision.language) }
    }
}

extension Hall {
    /// For `hallctl explain`: the ticket number a question holds, the zone of its prefix,
    /// and the text the matcher then sees.
    public func ticketNumber(in query: String) -> (ticket: TicketNumber, zone: String?, remainder: String)? {
        TicketReading.find(in: query, tickets: map.tickets).map { ($0.question.ticket, $0.question.zone, $0.rest) }
    }
}
