import HallModel

/// The words of directions in each language. Chinese uses 东南西北 for the first leg, as
/// people in north-east China give directions; turns after that are left and right.
struct Phrases {
    let language: Language

    static func metres(_ m: Double) -> Int { max(1, Int(m.rounded())) }

    func joinedPassing(_ passing: [String]) -> String {
        let unique = passing.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return language == .zh ? unique.joined(separator: "、") : unique.joined(separator: " and ")
    }

    func head(_ direction: FloorMap.Facing, metres: Double, passing: [String]) -> String {
        let m = Self.metres(metres)
        switch language {
        case .zh:
            let name = ["north": "北", "east": "东", "south": "南", "west": "西"][direction.rawValue]!
            let via = passing.isEmpty ? "" : "，经过\(joinedPassing(passing))"
            return "向\(name)直走\(m)米\(via)。"
        case .en:
            let via = passing.isEmpty ? "" : ", passing \(joinedPassing(passing))"
            return "Head \(direction.rawValue) for \(m) m\(via)."
        }
    }

    func turn(_ turn: DirectionsWriter.Turn, at landmark: String?, metres: Double, passing: [String]) -> String {
        let m = Self.metres(metres)
        switch language {
        case .zh:
            let word: String = switch turn {
            case .straight: "继续直走"
            case .slightLeft: "稍向左转"
            case .left: "左转"
            case .slightRight: "稍向右转"
            case .right: "右转"
            case .back: "向后转"
            }
            let at = landmark.map { "在\($0)处" } ?? ""
            let via = passing.isEmpty ? "" : "，经过\(joinedPassing(passing))"
            let walk = turn == .straight ? "\(m)米" : "，再走\(m)米"
            return "\(at)\(word)\(walk)\(via)。"
        case .en:
            let word: String = switch turn {
            case .straight: "continue straight"
            case .slightLeft: "bear left"
            case .left: "turn left"
            case .slightRight: "bear right"
            case .right: "turn right"
            case .back: "turn around"
            }
            let sentence = landmark.map { "At \($0), \(word)" } ?? word.prefix(1).uppercased() + word.dropFirst()
            let via = passing.isEmpty ? "" : ", passing \(joinedPassing(passing))"
            return "\(sentence) and walk \(m) m\(via)."
        }
    }

    func changeLevel(byLift: Bool, to level: String) -> String {
        switch language {
        case .zh: byLift ? "乘电梯到\(level)。" : "走楼梯到\(level)。"
        case .en: byLift ? "Take the lift to \(level)." : "Take the stairs to \(level)."
        }
    }

    func arrive(_ place: String, side: Side) -> String {
        switch language {
        case .zh:
            let where_: String = switch side {
            case .left: "在您左手边"
            case .right: "在您右手边"
            case .ahead: "就在您前方"
            case .behind: "在您身后"
            }
            return "\(place)\(where_)。"
        case .en:
            let where_: String = switch side {
            case .left: "on your left"
            case .right: "on your right"
            case .ahead: "straight ahead"
            case .behind: "behind you"
            }
            return "You will find \(place) \(where_)."
        }
    }

    func alreadyThere(_ place: String) -> String {
        language == .zh ? "您就在\(place)旁边。" : "You are at \(place.prefix(1).uppercased() + place.dropFirst()) already."
    }

    func summary(metres: Double, seconds: Int) -> String {
        let m = Self.metres(metres)
        switch language {
        case .zh:
            let time = seconds < 60 ? "不到1分钟" : "约\(Int((Double(seconds) / 60).rounded()))分钟"
            return "全程约\(m)米，步行\(time)。"
        case .en:
            let time = seconds < 60 ? "under a minute" : "about \(Int((Double(seconds) / 60).rounded())) min"
            return "About \(m) m in all, \(time) on foot."
        }
    }
}
