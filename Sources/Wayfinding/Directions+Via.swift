import HallModel

extension DirectionsWriter {
    /// Directions by way of a stop (a ticket machine): the walk to the stop, then on to the
    /// place, the second walk's first step opened by `resume` ("取号后，", "With your ticket, ").
    /// One summary for the whole walk.
    public func write(path first: Path, via stop: FloorMap.Place, at stopSpot: FloorMap.Spot,
                      then second: Path, to place: FloorMap.Place, spot: FloorMap.Spot,
                      resume: String, language: Language) -> Directions {
        let toStop = write(path: first, to: stop, spot: stopSpot, language: language)
        let onwards = write(path: second, to: place, spot: spot, language: language)
        var steps = toStop.steps
        for (i, step) in onwards.steps.enumerated() {
            var step = step
            if i == 0 {
                step.kind = .turn
                step.text = resume + (language == .en ? step.text.prefix(1).lowercased() + step.text.dropFirst() : step.text)
            }
            steps.append(step)
        }
        let metres = first.metres + second.metres
        let seconds = toStop.seconds + onwards.seconds
        return Directions(steps: steps, metres: metres, seconds: seconds,
                          summary: Phrases(language: language).summary(metres: metres, seconds: seconds), language: language)
    }
}

extension Path {
    /// This walk and then `next`, which starts where this one ends.
    public func followed(by next: Path) -> Path {
        Path(nodes: nodes + next.nodes.dropFirst(), metres: metres + next.metres)
    }
}
