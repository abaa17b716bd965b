/// A text a visitor reads or hears, in Chinese and English.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public subscript(language: Language) -> String {
        language == .zh ? zh : en
    }
}

/// The languages HallGuide answers in.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    case zh
    case en
}

/// A position on a level's plan, in metres: x grows east, y grows north.
public struct Point: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public func distance(to other: Point) -> Double {
        ((other.x - x) * (other.x - x) + (other.y - y) * (other.y - y)).squareRoot()
    }
}
