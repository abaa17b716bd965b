import DeviceProtocol
import Foundation
import HallTestKit
import HallTime

/// `hallbench pipeline`: one device conversation in one process, no sockets, through the
/// test kit: the robot frames a question, halld's link session decodes it, the
/// conversation answers (match, route, wording, lead, display), the reply is framed and
/// decoded by the robot, and its acks go back. halld's part is timed on its own: what is
/// left of the device latency in `hallbench devices` beyond it is the kernel and the
/// scheduler.
enum PipelineBench {
    static func run(questions: [String], rounds: Int = 20) throws {
        let hall = try TestHall()
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
        print("## Pipeline: one device conversation in one process, no sockets (\(whole.count) questions, \(hall.answers.all.count) answers)")
        print("halld's part (decode, session, match, route, directions, lead, encode, ack): p50 \(us(percentile(halld, 50))), p99 \(us(percentile(halld, 99)))")
        print("device's part (frame the question, decode the answer, ack): p50 \(us(percentile(whole, 50) - percentile(halld, 50)))")
        print("whole conversation: p50 \(us(percentile(whole, 50))), p99 \(us(percentile(whole, 99)))")
    }
}
