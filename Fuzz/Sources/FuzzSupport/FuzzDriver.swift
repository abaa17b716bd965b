import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif

/// Runs libFuzzer over `body`, one call per input, and exits with libFuzzer's status.
/// libFuzzer takes a C function pointer, which cannot capture, so the body waits in a
/// global for the one run a process makes.
public func runFuzzer(_ body: @escaping ([UInt8]) -> Void) -> Never {
    fuzzBody = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzBody?(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
    exit(status)
}

nonisolated(unsafe) private var fuzzBody: (([UInt8]) -> Void)?

/// Stops the run when an invariant breaks; libFuzzer saves the input that did it.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

public func fail(_ message: String) -> Never {
    fatalError("fuzz invariant: \(message)")
}
