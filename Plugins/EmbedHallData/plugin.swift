import Foundation
import PackagePlugin

/// Embeds the default hall (maps/*.yaml and intents/*) into the HallModel target, so
/// `halld` and `hallctl` run with no files and the built-in hall is exactly what staff
/// get from `hallctl export-default`.
@main
struct EmbedHallData: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let fm = FileManager.default
        var inputs: [URL] = []
        for folder in ["maps", "intents"] {
            let dir = root.appending(path: folder)
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".tsv") {
                inputs.append(dir.appending(path: name))
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "DefaultHallFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the default hall's files",
                executable: try context.tool(named: "embed-hall-data").url,
                arguments: [root.path, output.path] + inputs.map { String($0.path.dropFirst(root.path.count + 1)) },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
