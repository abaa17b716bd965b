import Foundation
import PackagePlugin

/// Embeds every file of web/kiosk/ (the index screens' app) into the HallWeb target, so
/// halld serves the kiosk from its binary: no CDN, no files to install, and the pages
/// are always those of the halld that serves them.
@main
struct EmbedKioskAssets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let dir = root.appending(path: "web/kiosk")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let inputs = names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "KioskAssetFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding the kiosk app (web/kiosk)",
                executable: try context.tool(named: "embed-hall-data").url,
                arguments: ["--enum", "KioskAssetFiles", root.path, output.path]
                    + inputs.map { String($0.path.dropFirst(root.path.count + 1)) },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
