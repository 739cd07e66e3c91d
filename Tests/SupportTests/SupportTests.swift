@testable import Support
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct RandomTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        // SplitMix64 from seed 0: the first outputs of Vigna's reference implementation.
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func streamsAndKeysAreDistinctAndReproducible() {
        var a = SplitMix64(seed: 7, stream: 1), b = SplitMix64(seed: 7, stream: 2), a2 = SplitMix64(seed: 7, stream: 1)
        let x = a.next()
        #expect(x != b.next())
        #expect(x == a2.next())
        var k1 = SplitMix64(seed: 3, key: "speaker f1"), k2 = SplitMix64(seed: 3, key: "speaker m1")
        #expect(k1.next() != k2.next())
    }

    @Test func boundedDrawsStayInRangeAndShuffleIsAPermutation() {
        var g = Xoshiro256StarStar(seed: 42)
        var counts = [0, 0, 0]
        for _ in 0..<3000 { counts[g.index(below: 3)] += 1 }
        #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 })
        var array = Array(0..<50)
        g.shuffle(&array)
        #expect(array.sorted() == Array(0..<50))
        #expect(array != Array(0..<50))
        for _ in 0..<1000 {
            let u = g.unit(), f = g.unitFloat()
            #expect(u >= 0 && u < 1 && f >= 0 && f < 1)
        }
    }

    @Test func gaussiansHaveUnitVariance() {
        var g = Xoshiro256StarStar(seed: 1)
        var values = [Float](repeating: 0, count: 20_001)
        values.withUnsafeMutableBufferPointer { g.fillGaussian($0) }
        let mean = values.reduce(0, +) / Float(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    /// The rounds of candidates give the pair-by-pair polar method's values, and leave the generator where it
    /// leaves it (the next draw is the same), for odd and even lengths around a round's 256 pairs.
    @Test(arguments: [0, 1, 2, 3, 511, 512, 513, 1000, 20_001])
    func roundsGiveThePairByPairValues(count: Int) {
        var reference = Xoshiro256StarStar(seed: UInt64(count) + 5)
        var expected = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            var u = 0.0, v = 0.0, s = 0.0
            repeat {
                u = 2 * reference.unit() - 1
                v = 2 * reference.unit() - 1
                s = u * u + v * v
            } while s >= 1 || s == 0
            let factor = (-2 * log(s) / s).squareRoot()
            expected[i] = Float(u * factor)
            if i + 1 < count { expected[i + 1] = Float(v * factor) }
            i += 2
        }
        var g = Xoshiro256StarStar(seed: UInt64(count) + 5)
        var got = [Float](repeating: .nan, count: count)
        got.withUnsafeMutableBufferPointer { g.fillGaussian($0) }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(g.next() == reference.next())
    }
}

@Suite struct ParallelMapTests {
    struct Boom: Error, Equatable { let index: Int }

    @Test(arguments: [1, 2, 5])
    func resultsComeInInputOrder(threads: Int) throws {
        let out = try parallelMap(Array(0..<200), threads: threads) { (x: Int) throws(Boom) -> Int in x * x }
        #expect(out == (0..<200).map { $0 * $0 })
    }

    @Test func theFirstFailureInInputOrderIsThrown() {
        #expect {
            _ = try parallelMap(Array(0..<100), threads: 1) { (x: Int) throws(Boom) -> Int in
                if x == 10 || x == 20 { throw Boom(index: x) }
                return x
            }
        } throws: { error in
            guard case ParallelMapFailure<Boom>.failed(let boom)? = error as? ParallelMapFailure<Boom> else { return false }
            return boom.index == 10
        }
    }

    @Test func cancellationStopsNewItems() {
        #expect {
            _ = try parallelMap(Array(0..<100), threads: 2, isCancelled: { true }) { (x: Int) throws(Boom) -> Int in x }
        } throws: { error in
            if case ParallelMapFailure<Boom>.cancelled(let finished, let total)? = error as? ParallelMapFailure<Boom> {
                return finished == 0 && total == 100
            }
            return false
        }
    }
}

/// The streaming form: results reach `deliver` in input order, never more than `ahead` items past the oldest
/// undelivered one; a failure in `deliver` or a cancellation stops new items; exactly `threads` threads run.
@Suite struct OrderedStreamTests {
    struct Boom: Error, Equatable { let index: Int }

    final class Box: @unchecked Sendable {
        let lock = Lock()
        var delivered = 0
        var widest = 0
    }

    @Test(arguments: [1, 3, 8])
    func deliversInOrderWithinTheWindow(threads: Int) throws {
        let box = Box()
        var order: [Int] = []
        try parallelMap(count: 300, threads: threads, ahead: 4) { (i: Int, _: Int) throws(Boom) -> Int in
            box.lock.withLock { box.widest = max(box.widest, i - box.delivered) }
            return i * 2
        } deliver: { (i, value) throws(Boom) in
            #expect(value == i * 2)
            order.append(i)
            box.lock.withLock { box.delivered += 1 }
        }
        #expect(order == Array(0..<300))
        #expect(box.widest < 4, "an item started \(box.widest) past the oldest undelivered one")
    }

    @Test func aFailingDeliveryStopsTheRunWithItsError() {
        var delivered: [Int] = []
        #expect {
            try parallelMap(count: 1000, threads: 2, ahead: 8) { (i: Int, _: Int) throws(Boom) -> Int in i } deliver: { (i, _) throws(Boom) in
                if i == 17 { throw Boom(index: i) }
                delivered.append(i)
            }
        } throws: { error in
            guard case ParallelMapFailure<Boom>.failed(let boom)? = error as? ParallelMapFailure<Boom> else { return false }
            return boom.index == 17
        }
        #expect(delivered == Array(0..<17))
    }

    @Test func cancellationDeliversWhatFinished() {
        let box = Box()
        var delivered = 0
        #expect {
            try parallelMap(count: 1000, threads: 2, ahead: 4, isCancelled: { box.lock.withLock { box.delivered >= 10 } }) {
                (i: Int, _: Int) throws(Boom) -> Int in i
            } deliver: { (_, _) throws(Boom) in
                delivered += 1
                box.lock.withLock { box.delivered += 1 }
            }
        } throws: { error in
            guard case ParallelMapFailure<Boom>.cancelled(let finished, let total)? = error as? ParallelMapFailure<Boom> else { return false }
            return finished == delivered && finished >= 10 && finished < 20 && total == 1000
        }
    }

    /// `--threads 8` on a 2-core machine runs 8 threads at once: each waits (at most 20 s) until all 8 have
    /// started, which only happens if they run side by side.
    @Test func exactlyTheThreadsAskedForRunAtOnce() {
        let box = Box()
        let met = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        met.initialize(repeating: false)
        defer { met.deallocate() }
        runWorkers(8) { worker in
            box.lock.withLock { box.delivered += 1 }
            var waited = 0
            while box.lock.withLock({ box.delivered }) < 8, waited < 20_000 {
                usleep(1000)
                waited += 1
            }
            met[worker] = box.lock.withLock { box.delivered } == 8
        }
        #expect(Array(met) == [Bool](repeating: true, count: 8))
    }
}

@Suite struct FilesTests {
    func scratch() -> String {
        var template = Array("/tmp/ser-support-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    @Test func makeDirectoriesEntriesAndAtomicWrites() throws {
        let root = scratch()
        try Files.makeDirectories(root + "/a/b/c")
        try Files.makeDirectories(root + "/a/b/c")   // already there
        #expect(Files.isDirectory(root + "/a/b/c"))
        try AtomicFile.write("hello", to: root + "/a/z.txt")
        try AtomicFile.write("hidden", to: root + "/a/.h")
        #expect(Files.readText(root + "/a/z.txt") == "hello")
        #expect(Files.entries(root + "/a") == ["b", "z.txt"])
        #expect(Files.entries(root + "/a", hidden: true) == [".h", "b", "z.txt"])
        #expect(Files.entries(root + "/missing") == nil)
        #expect(throws: FileError.self) { try Files.makeDirectories(root + "/a/z.txt/d") }
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: root + "/none/f.txt") }
        #expect(Files.entries(root + "/a", hidden: true)?.contains { $0.contains("tmp") } == false)
    }

    /// The one regular-file reader: bytes of a regular file; a missing path, a folder, a FIFO (without
    /// blocking), a device or a file over the cap is a FileError saying which, before anything is read.
    @Test func readRegularFileRefusesWhatIsNotARegularFile() throws {
        let root = scratch()
        try AtomicFile.write("hello", to: root + "/f.txt")
        #expect(try Files.readRegularFile(root + "/f.txt", maxBytes: 5) == Array("hello".utf8))
        #expect(try Files.regularFileSize(root + "/f.txt") == 5)
        #expect(mkfifo(root + "/pipe", 0o644) == 0)
        symlink(root + "/pipe", root + "/link-to-pipe")
        let cases: [(String, Int, FileError.Reason, String)] = [
            (root + "/none", 9, .missing, "no such file"),
            (root, 9, .notRegular, "is a folder"),
            (root + "/pipe", 9, .notRegular, "is a FIFO (named pipe)"),
            (root + "/link-to-pipe", 9, .notRegular, "is a FIFO (named pipe)"),
            ("/dev/zero", 9, .notRegular, "is a character device"),
            (root + "/f.txt", 4, .tooLarge, "5 bytes: too large (at most 4)"),
        ]
        for (path, cap, reason, message) in cases {
            let error = #expect(throws: FileError.self) { try Files.readRegularFile(path, maxBytes: cap) }
            #expect(error?.reason == reason && error?.message == message && error?.path == path, "\(path)")
        }
    }

    /// Two holders of one lock file — here two threads of one process, which `flock` separates as it does two
    /// processes — take turns: the second is told it waits, and starts only after the first has finished.
    @Test func fileLockMakesTheSecondHolderWait() throws {
        let path = scratch() + "/sub/.lock"
        let box = OrderedStreamTests.Box()
        var order: [String] = []
        var waited = [false, false]
        runWorkers(2) { worker in
            if worker == 1 { while box.lock.withLock({ box.delivered }) == 0 { usleep(1000) } }
            let result = try? FileLock.withLock(path, waiting: { box.lock.withLock { waited[worker] = true } }) { () throws(FileError) in
                box.lock.withLock { order.append("start \(worker)"); box.delivered += 1 }
                if worker == 0 { usleep(300_000) }
                box.lock.withLock { order.append("end \(worker)") }
            }
            #expect((try? result?.get()) != nil)
        }
        #expect(order == ["start 0", "end 0", "start 1", "end 1"])
        #expect(waited == [false, true])
        // A waiter that is cancelled stops with an error instead of waiting on.
        let outer = try FileLock.withLock(path) { () throws(FileError) in
            #expect(throws: FileError.self) {
                _ = try FileLock.withLock(path, cancelled: { true }) { () throws(FileError) in Issue.record("ran") }
            }
        }
        #expect((try? outer.get()) != nil)
    }

    @Test func pathsAndTilde() {
        #expect(Files.parentFolder("a/b/c.md") == "a/b")
        #expect(Files.parentFolder("/c.md") == "/")
        #expect(Files.parentFolder("c.md") == "")
        #expect(Files.join("a/", "b") == "a/b")
        #expect(Files.baseName("x/y.wav") == "y.wav")
        let home = String(cString: getenv("HOME"))
        #expect(Files.expandingTilde("~/d") == home + "/d")
        #expect(Files.expandingTilde("/a/~/b") == "/a/~/b")
    }
}

@Suite struct EditDistanceTests {
    @Test func distancesAndSuggestions() {
        #expect(editDistance("patiense", "patience") == 1)
        #expect(editDistance("cahce", "cache") == 1)
        #expect(editDistance("", "abc") == 3)
        #expect(didYouMean("tarin", among: ["train", "test"]) == "train")
        #expect(didYouMean("zzzzzz", among: ["train", "test"]) == nil)
        #expect(suggestion("tset", among: ["test"]) == "; did you mean 'test'?")
    }
}

/// A warning written while progress is drawn in place lands on a line of its own, and the progress comes back.
@Suite struct StatusLineTests {
    /// What a terminal shows after `output`: `\r` returns to the line's start, `ESC[K` erases to its end.
    static func screen(_ output: String) -> [String] {
        var lines = [""], column = 0
        var chars = Array(output)[...]
        while let c = chars.popFirst() {
            if c == "\r" { column = 0 } else if c == "\n" { lines.append(""); column = 0 } else if c == "\u{1B}" {
                #expect(chars.prefix(2) == ["[", "K"]); chars = chars.dropFirst(2)
                lines[lines.count - 1] = String(lines[lines.count - 1].prefix(column))
            } else {
                var line = Array(lines[lines.count - 1])
                if column < line.count { line[column] = c } else { line.append(c) }
                lines[lines.count - 1] = String(line); column += 1
            }
        }
        return lines
    }

    final class Sink: @unchecked Sendable { var text = "" }

    @Test func aMessageTakesItsOwnLineAndTheProgressComesBack() {
        let sink = Sink()
        let status = StatusLine(drawsProgress: true) { sink.text += $0 }
        status.show("01-features: cell 3/9 [features] 120/588 files")
        status.message("warning: cache entry features-1a2b is damaged; recomputing")
        #expect(Self.screen(sink.text) == ["warning: cache entry features-1a2b is damaged; recomputing",
                                           "01-features: cell 3/9 [features] 120/588 files"])
        status.show("01-features: cell 3/9 [features] 121/588 files")
        status.clear()
        status.message("ser run: done")
        #expect(Self.screen(sink.text) == ["warning: cache entry features-1a2b is damaged; recomputing", "ser run: done", ""])
    }

    @Test func withoutATerminalOnlyMessagesAreWritten() {
        let sink = Sink()
        let status = StatusLine(drawsProgress: false) { sink.text += $0 }
        status.show("cell 1/2")
        status.message("a note")
        status.message("another\n")
        #expect(sink.text == "a note\nanother\n")
    }
}
