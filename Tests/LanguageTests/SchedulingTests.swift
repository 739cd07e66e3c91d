import Dispatch
import Evaluate
import Features
import Learn
import Foundation
import Testing
@testable import Language

/// Parallel runs (`repeat`, `crossval`, independent statements of one execution), deferred values and the
/// cache notes that let a re-run skip everything upstream of cached results.
@Suite(.serialized) struct SchedulingTests {
    /// A session with `feats` and `net` (as in StudyVerbTests) and `threads` workers.
    static func session(threads: Int, cache: (any ValueCache)? = nil, registry: VerbRegistry = .standard,
                        folder: String) throws -> Session {
        if !FileManager.default.fileExists(atPath: folder + "/feats.npy") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try StudyVerbTests.table().write(prefix: folder + "/feats")
        }
        let session = Session(registry: registry, cache: cache)
        session.threads = threads
        try session.execute("""
            feats = load features "\(folder)/feats"
            net = model cnn1d classes=3 filters=[4] kernels=[3] dense=[8] seed=1
            """, file: "setup")
        return session
    }

    static func folder() -> String { NSTemporaryDirectory() + "ser-scheduling-\(UUID().uuidString)" }

    @Test func repeatAndCrossvalGiveTheSameBitsOnAnyNumberOfThreads() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let program = """
            l = split feats loso val=10%
            cv = crossval net l epochs=4 patience=2 lr=1e-2
            rep = repeat net feats scheme=grouped seeds=[1, 2, 3] epochs=4 patience=0 lr=1e-2
            """
        var outputs: [String] = []
        var results: [[UInt8]] = []
        for threads in [1, 2, 3] {
            let session = try Self.session(threads: threads, folder: folder)
            outputs.append(try session.execute(program, file: "t").text)
            // The reports (their runs' histories hold wall-clock times, which differ run to run).
            var bits: [UInt8] = []
            for name in ["cv", "rep"] {
                guard case .report(let r) = session.values[name]!.payload else { Issue.record("no report"); return }
                for report in r.reports {
                    bits += report.confusion.counts.flatMap { withUnsafeBytes(of: $0, Array.init) }
                    bits += withUnsafeBytes(of: report.accuracy.bitPattern, Array.init)
                }
            }
            results.append(bits)
        }
        #expect(outputs[0].contains("loso f1: 4 epochs"))
        #expect(outputs[0].contains("seed 3, "))
        // Printed in run order and bit-identical, whatever the number of workers.
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
        // The same as the runs one by one: seed 2 of `repeat` alone gives seed 2's report.
        let session = try Self.session(threads: 2, folder: folder)
        try session.execute(program + "\none = repeat net feats scheme=grouped seeds=[2] epochs=4 patience=0 lr=1e-2", file: "t")
        guard case .report(let all) = session.values["rep"]!.payload, case .report(let one) = session.values["one"]!.payload else {
            Issue.record("no reports")
            return
        }
        #expect(all.reports[1].confusion == one.reports[0].confusion)
        #expect(all.reports[1].accuracy == one.reports[0].accuracy)
    }

    /// The session's threads (the machine's cores unless set) change no weight and no hash: a training's shards
    /// are its own `threads=` (default 1), so a notebook trains the same model on any machine.
    @Test func trainGivesTheSameWeightsForAnySessionThreadCount() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func trained(sessionThreads: Int, argument: String) throws -> (bytes: [UInt8], hash: ContentHash) {
            let session = try Self.session(threads: sessionThreads, folder: folder)
            try session.execute("s = split feats naive seed=1\nfit = train net s epochs=3 patience=0\(argument)", file: "t")
            let fit = try #require(session.values["fit"])
            guard case .run(let run) = fit.payload else { Issue.record("not a run"); return ([], fit.hash) }
            // The trained weights, seen through the probabilities they give every row (bit for bit).
            let probabilities = try run.model.copy().predict(StudyVerbTests.table().values)
            return (probabilities.flatMap { withUnsafeBytes(of: $0.bitPattern, Array.init) }, fit.hash)
        }
        let one = try trained(sessionThreads: 1, argument: "")
        for sessionThreads in [2, 3] {
            let other = try trained(sessionThreads: sessionThreads, argument: "")
            #expect(other.bytes == one.bytes, "session threads \(sessionThreads): the same weights")
            #expect(other.hash == one.hash, "session threads \(sessionThreads): the same recipe")
        }
        #expect(try trained(sessionThreads: 2, argument: " threads=1").hash == one.hash, "threads=1 is the default")
        // Two shards sum each batch's gradients in another order: other weights, another recipe — the same
        // whether the session lets them run at once (3 threads) or one after another (1 thread).
        let sharded = try trained(sessionThreads: 3, argument: " threads=2")
        #expect(sharded.bytes != one.bytes)
        #expect(sharded.hash != one.hash)
        let serial = try trained(sessionThreads: 1, argument: " threads=2")
        #expect(serial.bytes == sharded.bytes)
        #expect(serial.hash == sharded.hash)
    }

    /// Trainings of one execution run side by side, each running its two shards one after another on its own
    /// thread: every one gives the weights it gives alone (where its shards run at once).
    @Test func trainingsSideBySideGiveTheWeightsOfEachAlone() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let splits = "s = split feats naive seed=1\nt = split feats grouped seed=2"
        let trainings = ["a = train net s epochs=3 patience=0 threads=2", "b = train net t epochs=3 patience=0 threads=2",
                         "c = train net s epochs=3 patience=0 seed=5 threads=2"]
        func probabilities(_ session: Session, _ name: String) throws -> [UInt8] {
            guard case .run(let run) = try #require(session.values[name]).payload else { Issue.record("not a run"); return [] }
            let p = try run.model.copy().predict(StudyVerbTests.table().values)
            return p.flatMap { withUnsafeBytes(of: $0.bitPattern, Array.init) }
        }
        let together = try Self.session(threads: 2, folder: folder)
        try together.execute(([splits] + trainings).joined(separator: "\n"), file: "t")
        for (name, training) in zip(["a", "b", "c"], trainings) {
            let alone = try Self.session(threads: 2, folder: folder)
            try alone.execute(splits, file: "t")
            try alone.execute(training, file: "t")
            #expect(try probabilities(together, name) == probabilities(alone, name), "\(name): side by side = alone")
        }
        #expect(try probabilities(together, "a") != probabilities(together, "c"))
    }

    /// `wait NAME` (deferred, cached): announces NAME and waits up to 20 s for the other name to be
    /// announced, returning 1 if it was (the two ran at once), 0 if not.
    static func rendezvousRegistry(_ board: Rendezvous) -> VerbRegistry {
        var registry = VerbRegistry.standard
        registry.add(Verb("wait", summary: "meets the other wait", parameters: [Parameter("name", .string, positional: true, doc: "a or b")],
                          examples: [#"x = wait "a""#], result: .number, cached: true, scheduling: .deferred) { call in
            let met = board.arrive(call.text("name"))
            call.print("\(call.text("name")) ran")
            return call.make(.number(met ? 1 : 0, .none))
        })
        return registry
    }

    final class Rendezvous: @unchecked Sendable {
        private let condition = NSCondition()
        private var arrived: Set<String> = []
        private(set) var calls = 0

        func arrive(_ name: String) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            calls += 1
            arrived.insert(name)
            condition.broadcast()
            let deadline = Date(timeIntervalSinceNow: 20)
            while arrived.count < 2 {
                if !condition.wait(until: deadline) { return false }
            }
            return true
        }
    }

    @Test func independentStatementsOfOneExecutionRunAtOnceAndPrintInOrder() throws {
        let board = Rendezvous()
        let session = Session(registry: Self.rendezvousRegistry(board), cache: MemoryCache())
        let out = try session.execute("""
            a = wait "a"
            show a
            b = wait "b"
            a
            b
            """, file: "t")
        // Run one after another, `a` would have waited for `b` in vain.
        #expect(out.text == "a ran\n\na = 1\n\n| property | value |\n| -------- | ----- |\n| value    | 1     |\n\nb ran\n\nb = 1\n\n1\n\n1")
        #expect(board.calls == 2)
    }

    /// `count X` (deferred, cached) and `plus X Y` (deferred, not cached): X and X + Y, counting their runs.
    static func countingRegistry(_ runs: Runs) -> VerbRegistry {
        var registry = VerbRegistry.standard
        registry.add(Verb("count", summary: "x", parameters: [Parameter("x", .number, positional: true, doc: "x")],
                          examples: ["y = count 3"], result: .number, cached: true, scheduling: .deferred) { call in
            runs.add("count")
            call.print("counted \(Int(call.number("x")))")
            return call.make(.number(call.number("x"), .none))
        })
        registry.add(Verb("plus", summary: "x + y", parameters: [Parameter("x", .value([.number]), positional: true, doc: "x"),
                                                                 Parameter("y", .number, positional: true, doc: "y")],
                          examples: ["z = plus y 1"], result: .number, scheduling: .deferred) { call in
            runs.add("plus")
            guard case .number(let x, _) = call.value("x").payload else { throw VerbFailure("x") }
            return call.make(.number(x + call.number("y"), .none))
        })
        return registry
    }

    final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var names: [String] = []
        func add(_ name: String) { lock.withLock { names.append(name) } }
        var all: [String] { lock.withLock { names } }
    }

    @Test func aCachedRerunComputesNothingUpstreamAndShowsTheSameOutput() throws {
        let runs = Runs()
        let cache = MemoryCache()
        let program = "a = count 3\nb = plus a 1\nc = count 7\nd = plus b 2\nd"
        let first = try Session(registry: Self.countingRegistry(runs), cache: cache).execute(program, file: "t")
        #expect(runs.all.sorted() == ["count", "count", "plus", "plus"])
        #expect(first.text == "counted 3\n\na = 3\n\nb = 4\n\ncounted 7\n\nc = 7\n\nd = 6\n\n6")

        let session = Session(registry: Self.countingRegistry(runs), cache: cache)
        let second = try session.execute(program, file: "t")
        #expect(second.text == first.text, "the notes give the same output")
        // `d` was shown, so computed: `plus b 2` ran again (it is not cached), which needed `b` (`plus a 1`),
        // which needed `a` — read from the cache, not counted again. `c` was never needed.
        #expect(runs.all.sorted() == ["count", "count", "plus", "plus", "plus", "plus"])
        #expect(session.values["c"]?.deferred?.isDone == false, "c was neither computed nor read")
        #expect(session.cacheHits == 2)

        // Without showing anything, a third run computes nothing at all.
        let quiet = Session(registry: Self.countingRegistry(runs), cache: cache)
        try quiet.execute("a = count 3\nb = plus a 1\nc = count 7\nd = plus b 2", file: "t")
        #expect(runs.all.count == 6)
        #expect(quiet.values["d"]?.deferred?.isDone == false)
        // Needing it later computes it then, the same value.
        #expect(try quiet.execute("d", file: "t").text == "6")
    }

    @Test func aChangedInputFileInvalidatesEverythingMadeFromIt() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = MemoryCache()
        let program = "s = split feats grouped seed=1\nfit = train net s epochs=2 patience=0\nr = evaluate fit s.test"
        let first = try Self.session(threads: 1, cache: cache, folder: folder)
        try first.execute(program, file: "t")
        let rerun = try Self.session(threads: 1, cache: cache, folder: folder)
        try rerun.execute(program, file: "t")
        #expect(rerun.values["fit"]?.deferred?.isDone == false, "served from the cache without reading it")
        #expect(rerun.values["r"]?.hash == first.values["r"]?.hash)

        // Rewrite the table with other values (and a later modification time).
        var table = StudyVerbTests.table()
        for i in table.values.indices { table.values[i] = -table.values[i] }
        Thread.sleep(forTimeInterval: 0.01)
        try table.write(prefix: folder + "/feats")
        let changed = try Self.session(threads: 1, cache: cache, folder: folder)
        let missesBefore = changed.cacheMisses
        try changed.execute(program, file: "t")
        #expect(changed.values["r"]?.hash != first.values["r"]?.hash)
        #expect(changed.cacheMisses - missesBefore == 2, "train and evaluate computed again")
    }

    @Test func aFailingDeferredValueIsReportedWhereItIsNeededAndBindsNothing() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let session = try Self.session(threads: 2, folder: folder)
        do {
            try session.execute("l = split feats loso only=zz\nx = 1", file: "t")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("zz"))
            #expect(error.line == 1)
        }
        #expect(session.values["l"] == nil)
        #expect(session.values["x"] == nil, "statements after the failing one did not run")
    }
}
