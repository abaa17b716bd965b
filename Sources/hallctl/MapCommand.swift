import ArgumentParser
import Foundation
import HallAnswers
import HallModel
import HallViews
import Wayfinding

/// `hallctl map --svg FILE`: the floor map drawn to scale, optionally with a route on top,
/// so staff can check a map edit by looking at it.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map", abstract: "Draw a level of the floor map as SVG, optionally with a route on top.")

    @OptionGroup var hall: HallOptions

    @Option(help: "Write the SVG here ('-' for standard output).") var svg: String

    @Option(parsing: .upToNextOption, help: "Draw the route FROM TO (a station, place or node; a place or window-N).")
    var route: [String] = []

    @Flag(help: "Draw the route without stairs.") var accessible = false

    @Option(help: "Level id to draw (default: the route's start level, else the first level).") var level: String?

    func validate() throws {
        if !route.isEmpty && route.count != 2 { throw ArgumentParser.ValidationError("--route takes two values: FROM TO") }
    }

    func run() throws {
        let loaded = try hall.load()
        var drawn: Answer.Route?
        if route.count == 2 {
            do {
                drawn = try loaded.route(from: route[0], to: route[1], profile: accessible ? .accessible : .standard)
            } catch {
                FileHandle.standardError.write(Data("hallctl: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let levels = loaded.map.levels.map(\.id)
        guard let levelID = level ?? drawn?.points.first?.level ?? levels.first, let index = levels.firstIndex(of: levelID) else {
            throw ArgumentParser.ValidationError("unknown level '\(level ?? "")': the map has \(levels.joined(separator: ", "))")
        }
        let picture = FloorMapSVG(map: loaded.map, level: index, route: drawn, note: "数据 data \(loaded.version)")
        let text = picture.render()
        if svg == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: svg))
        } catch {
            FileHandle.standardError.write(Data("hallctl: cannot write \(svg): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
        print("wrote \(svg): \(levelID), \(Int(picture.width))×\(Int(picture.height)) px\(drawn.map { ", route \($0.from) → \($0.to), \(Int($0.metres.rounded())) m" } ?? "")")
    }
}
