import DeviceProtocol
import Foundation
import HallAnswers
import HallConversation
import HallTestKit
import HallTime
import IntentMatching

/// `hallbench pipeline`: one device conversation in one process, no sockets, through the
/// test kit: the robot frames a question, halld's link session decodes it, the
/// conversation answers (match, route, wording, lead, display), the reply is framed and
/// decoded by the robot, and its acks go back. halld's part is timed on its own: what is
/// left of the device latency in `hallbench devices` beyond it is the kernel and the
/// scheduler.
enum PipelineBench {
    static func run(questions: [String], hall answering: Hall, rounds: Int = 20) throws {
        let hall = try TestHall(hall: answering)
        let robot = try hall.robot("robot-north")
        var halld: [Double] = [], whole: [Double] = []
        for round in 0...rounds {
            for q in questions {
                robot.resetHalldTime()
                let t0 = Instant.monotonicNow()
                let answer = try robot.ask(q)
                let t1 = Instant.monotonicNow()
                if round > 0 {  // the first round warms up
                    halld.append(Double(robot.halldTime.nanosecondCount))
                    whole.append(Double((t1 - t0).nanosecondCount))
                }
                // The robot finishes each lead at once, so every answer offers a new one.
                if answer.lead == .willLead, let lead = robot.leads.last {
                    for status in [LeadStatus.arrived, .docked] {
                        try robot.send(.leadProgress(leadID: lead.leadID, status: status, position: Position()))
                    }
                }
                robot.forgetReceived()
            }
        }
        halld.sort(); whole.sort()
        // The conversation alone (pure: match, route, wording, lead, effects), and the
        // hall's answer alone, on the same questions: what of halld's part is not the
        // session, the codec and the link.
        var conversation = Conversation(hall: answering, devices: [ConversationDevice(id: "robot-north", kind: .robot, station: "robot-north")])
        let device = ConversationDevice(id: "robot-north", kind: .robot, station: "robot-north")
        let date = hall.clock.wallClock(), instant = hall.clock.now()
        _ = conversation.handle(.connected(capabilities: [.lead]), from: device, now: instant, date: date)
        var conversationTimes: [Double] = [], answerTimes: [Double] = []
        var scratch = MatchScratch()
        let answeringHall = answering
        for round in 0...rounds {
            for (i, q) in questions.enumerated() {
                let t0 = Instant.monotonicNow()
                _ = conversation.handle(.query(queryID: UInt32(i), text: q, language: "", newVisitor: false), from: device, now: instant, date: date)
                let t1 = Instant.monotonicNow()
                _ = try? answeringHall.answer(q, from: "robot-north", live: LiveConditions(now: date), scratch: &scratch)
                let t2 = Instant.monotonicNow()
                if round > 0 {
                    conversationTimes.append(Double((t1 - t0).nanosecondCount))
                    answerTimes.append(Double((t2 - t1).nanosecondCount))
                }
                if case let .booked(lead)? = conversation.robots["robot-north"]?.lead {
                    _ = conversation.handle(.leadProgress(leadID: lead.id, status: .docked, position: Position()), from: device, now: instant, date: date)
                }
            }
        }
        conversationTimes.sort(); answerTimes.sort()
        print("## Pipeline: one device conversation in one process, no sockets (\(whole.count) questions, \(hall.answers.all.count) answers)")
        print("halld's part (decode, session, match, route, directions, lead, encode, ack): p50 \(us(percentile(halld, 50))), p99 \(us(percentile(halld, 99)))")
        print("device's part (frame the question, decode the answer, ack): p50 \(us(percentile(whole, 50) - percentile(halld, 50)))")
        print("whole conversation: p50 \(us(percentile(whole, 50))), p99 \(us(percentile(whole, 99)))")
        print("of halld's part, the conversation alone (answer, lead, effects): p50 \(us(percentile(conversationTimes, 50))), p99 \(us(percentile(conversationTimes, 99))); the hall's live answer alone: p50 \(us(percentile(answerTimes, 50))), p99 \(us(percentile(answerTimes, 99)))")
    }
}
