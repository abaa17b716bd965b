import Foundation

/// Runs a Python peer from ../shared/bench-peers and returns its JSON results.
struct PeerRunner {
    let python: String
    let peersDirectory: String

    /// Finds a Python with the peers' requirements: $HALLBENCH_PYTHON, else a .venv-peers
    /// beside the checkout or inside it.
    static func locate(peersDirectory: String) -> PeerRunner? {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["HALLBENCH_PYTHON"], "../.venv-peers/bin/python", ".venv-peers/bin/python"].compactMap { $0 }
        guard FileManager.default.fileExists(atPath: peersDirectory + "/intent_peers.py"),
              let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        return PeerRunner(python: python, peersDirectory: peersDirectory)
    }

    func run(_ script: String, _ arguments: [String]) -> Any? {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hallbench-\(script)-\(getpid()).json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [peersDirectory + "/" + script] + arguments + ["--json", output.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return nil
        }
        defer { try? FileManager.default.removeItem(at: output) }
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: output) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}
