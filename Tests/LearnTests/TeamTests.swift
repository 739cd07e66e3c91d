import CGEMM
import Foundation
import Testing
@testable import Learn
import Support

/// A thread's products and element-wise passes shared with a team of helper threads (`Sources/CGEMM/team.c`) give
/// the bits they give on the thread alone: the parts are cut by output tiles and samples, never inside one
/// element's arithmetic.
@Suite(.serialized) struct TeamTests {
    var kernels: [GEMM.Kernel] { GEMM.Kernel.runnable }

    func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        // Very different magnitudes: any other summation order would round differently.
        return (0..<count).map { _ in (rng.unitFloat() * 2 - 1) * Float(1 << Int(rng.index(below: 12))) }
    }

    /// `body` on the calling thread alone, then shared with a team of `threads` threads: whether both give the
    /// same bits, and how many jobs the team ran.
    func alone(andWith threads: Int, _ body: () -> [UInt32]) -> (same: Bool, jobs: UInt) {
        let reference = body()
        let team = ser_team_create(Int32(threads))
        #expect(team != nil, "a team of \(threads) threads starts")
        let previous = ser_team_use(team)
        let shared = body()
        let jobs = ser_team_jobs()
        ser_team_use(previous)
        ser_team_destroy(team)
        return (shared == reference, jobs)
    }

    @Test func everyPartRunsOnceAndTheOwnerTakesPartZero() {
        final class Record: @unchecked Sendable {
            var threads = [pthread_t?](repeating: nil, count: 5)
        }
        let record = Record()
        let body: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { context, part in
            let r = Unmanaged<Record>.fromOpaque(context!).takeUnretainedValue()
            r.threads[Int(part)] = pthread_self()
        }
        let team = ser_team_create(3)
        let previous = ser_team_use(team)
        defer {
            ser_team_use(previous)
            ser_team_destroy(team)
        }
        #expect(ser_team_threads() == 3)
        for _ in 0..<200 { // jobs in quick succession: helpers still spinning, and some asleep
            record.threads = [pthread_t?](repeating: nil, count: 5)
            ser_team_run(5, body, Unmanaged.passUnretained(record).toOpaque())
            #expect(record.threads.allSatisfy { $0 != nil }, "every part ran")
            #expect(pthread_equal(record.threads[0]!, pthread_self()) != 0, "part 0 runs on the owner")
            #expect(pthread_equal(record.threads[3]!, pthread_self()) != 0, "parts beyond the team run on the owner")
            #expect(pthread_equal(record.threads[1]!, pthread_self()) == 0 && pthread_equal(record.threads[2]!, pthread_self()) == 0,
                    "parts 1 and 2 run on the helpers")
        }
        #expect(ser_team_jobs() == 200)
        usleep(300_000) // the helpers fall asleep; a job still wakes them
        record.threads = [pthread_t?](repeating: nil, count: 5)
        ser_team_run(5, body, Unmanaged.passUnretained(record).toOpaque())
        #expect(record.threads.allSatisfy { $0 != nil })
    }

    /// A team serves one thread at a time; a second thread that uses it at the same moment runs its parts alone
    /// (no hang, no part lost or run twice: the products still give their bits).
    @Test func aTeamUsedByTwoThreadsAtOnceStillGivesEveryBit() {
        let m = 384, n = 256, k = 96
        let a = values(m * k, seed: 11), b = values(k * n, seed: 12)
        var product = [Float](repeating: .nan, count: m * n)
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &product, ldc: n)
        let expected = product.map(\.bitPattern)
        let team = UncheckedSendable(ser_team_create(2))
        let results = UncheckedSendable(UnsafeMutablePointer<Bool>.allocate(capacity: 2))
        defer { results.value.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 2) { t in
            let previous = ser_team_use(team.value)
            var same = true
            for _ in 0..<100 {
                var c = [Float](repeating: .nan, count: m * n)
                GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
                same = same && c.map(\.bitPattern) == expected
            }
            ser_team_use(previous)
            results.value[t] = same
        }
        ser_team_destroy(team.value)
        #expect(results.value[0] && results.value[1])
    }

    /// `ser_team_for` covers every unit once, in ranges of whole grains within one thread's share; without a team,
    /// in one call.
    @Test func rangesCoverEveryUnitOnceInWholeGrains() {
        final class Ranges: @unchecked Sendable {
            let lock = NSLock()
            var ranges: [Range<Int>] = []
        }
        let body: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void = { context, first, end in
            let r = Unmanaged<Ranges>.fromOpaque(context!).takeUnretainedValue()
            r.lock.lock()
            r.ranges.append(first..<end)
            r.lock.unlock()
        }
        func ranges(count: Int, grain: Int) -> [Range<Int>] {
            let record = Ranges()
            ser_team_for(count, grain, body, Unmanaged.passUnretained(record).toOpaque())
            return record.ranges.sorted { $0.lowerBound < $1.lowerBound }
        }
        #expect(ranges(count: 1000, grain: 64) == [0..<1000], "no team: one call")
        let team = ser_team_create(3)
        let previous = ser_team_use(team)
        defer {
            ser_team_use(previous)
            ser_team_destroy(team)
        }
        for _ in 0..<100 {
            let sorted = ranges(count: 1000, grain: 64)
            #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == 1000)
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "contiguous, no overlap")
            #expect(sorted.dropLast().allSatisfy { $0.upperBound % 64 == 0 }, "whole grains")
            // 16 grains in shares of 5, 5 and 6: a range never spans two shares.
            #expect(sorted.allSatisfy { $0.upperBound <= 320 || $0.lowerBound >= 320 } && sorted.allSatisfy { $0.upperBound <= 640 || $0.lowerBound >= 640 })
        }
        #expect(ranges(count: 100, grain: 64) == [0..<64, 64..<100], "two grains: two ranges")
        #expect(ranges(count: 64, grain: 64) == [0..<64], "one grain: the calling thread alone")
    }

    /// A thread that is held up leaves the rest of its share to the others: here the owner waits inside its
    /// first range until a helper has taken units of the owner's share (with static shares it never would).
    @Test func aThreadHeldUpLeavesItsUnitsToTheOthers() {
        final class Record: @unchecked Sendable {
            let owner = pthread_self()
            let lock = NSLock()
            var byHelpers = Set<Int>()
            var ownerRanges: [Range<Int>] = []
        }
        let record = Record()
        let body: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void = { context, first, end in
            let r = Unmanaged<Record>.fromOpaque(context!).takeUnretainedValue()
            if pthread_equal(pthread_self(), r.owner) != 0 {
                r.lock.lock()
                let firstRange = r.ownerRanges.isEmpty
                r.ownerRanges.append(first..<end)
                r.lock.unlock()
                guard firstRange else { return }
                // Held up until a helper has taken unit 31 (the back of the owner's share), 10 s at most.
                for _ in 0..<10_000 {
                    r.lock.lock()
                    let taken = r.byHelpers.contains(31)
                    r.lock.unlock()
                    if taken { break }
                    usleep(1000)
                }
            } else {
                r.lock.lock()
                r.byHelpers.formUnion(first..<end)
                r.lock.unlock()
            }
        }
        let team = ser_team_create(2)
        let previous = ser_team_use(team)
        defer {
            ser_team_use(previous)
            ser_team_destroy(team)
        }
        ser_team_for(64, 1, body, Unmanaged.passUnretained(record).toOpaque())
        // The owner takes its share from the front (0 ..< 16 first, unless the helper took it all before the owner
        // started), the helper takes what is left of it from the back.
        #expect(record.ownerRanges.first.map { $0.lowerBound == 0 } ?? true, "the owner starts at the front of its share")
        #expect(record.byHelpers.isSuperset(of: 32..<64), "the helper's own share")
        #expect(record.byHelpers.contains(31), "and the back of the owner's, while the owner was held up")
        let all = record.ownerRanges.reduce(into: [Int]()) { $0 += Array($1) } + Array(record.byHelpers)
        #expect(all.sorted() == Array(0..<64), "every unit once")
    }

    @Test func noTeamMeansOneThread() {
        #expect(ser_team_create(1) == nil)
        #expect(ser_team_threads() == 1)
        #expect(ser_team_jobs() == 0)
    }

    /// Row blocks (tall products, with bias, ReLU and pooling fused), column panels (short ones), accumulation,
    /// transposed operands and the transposed wide product, on every kernel, with teams of 2 and 3.
    @Test(arguments: [(640, 128, 192), (384, 256, 320), (20, 700, 300), (300, 48, 500), (32, 1280, 128), (26, 160, 800)])
    func productsGiveTheSameBits(m: Int, n: Int, k: Int) {
        let a = values(m * k, seed: UInt64(m)), b = values(k * n, seed: UInt64(n)), c0 = values(m * n, seed: 7)
        let bias = values(n, seed: 9)
        for kernel in kernels {
            for threads in [2, 3] {
                for (transA, transB, accumulate) in [(false, false, false), (true, false, true), (false, true, false), (true, true, true)] {
                    let run = alone(andWith: threads) { () -> [UInt32] in
                        var c = accumulate ? c0 : [Float](repeating: .nan, count: m * n)
                        GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: transA ? m : k, transA: transA,
                                      b: b, ldb: transB ? k : n, transB: transB, accumulate: accumulate, c: &c, ldc: n)
                        return c.map(\.bitPattern)
                    }
                    #expect(run.same, "\(kernel) team \(threads) m \(m) n \(n) k \(k) \(transA) \(transB) \(accumulate)")
                    #expect(run.jobs >= 1, "the product was shared")
                }
                if m % 2 == 0 {
                    let run = alone(andWith: threads) { () -> [UInt32] in
                        var c = [Float](repeating: .nan, count: m * n), pooled = [Float](repeating: .nan, count: m / 2 * n)
                        GEMM.multiply(kernel: kernel, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n,
                                      bias: bias, relu: true, pooled: &pooled)
                        return (c + pooled).map(\.bitPattern)
                    }
                    #expect(run.same, "\(kernel) team \(threads) m \(m) n \(n) k \(k): bias, ReLU, pooling")
                    #expect(run.jobs >= 1)
                }
            }
        }
    }

    @Test func passesGiveTheSameBits() {
        let batch = 32, length = 41, channels = 24, kernel = 5, width = kernel * channels
        let x = values(batch * length * channels, seed: 1)
        let dy = values(batch * (length / 2) * channels, seed: 2)
        for relu: Int32 in [0, 1] {
            let pool = alone(andWith: 2) { () -> [UInt32] in
                var dx = [Float](repeating: .nan, count: x.count)
                ser_max_pool_pairs_backward(batch, length, channels, x, dy, &dx, relu)
                return dx.map(\.bitPattern)
            }
            #expect(pool.same && pool.jobs == 1, "pooling backward, relu \(relu)")
        }
        let im2col = alone(andWith: 3) { () -> [UInt32] in
            var cols = [Float](repeating: .nan, count: batch * length * width)
            ser_im2col(batch, length, channels, kernel, length, 2, x, &cols)
            return cols.map(\.bitPattern)
        }
        #expect(im2col.same && im2col.jobs == 1, "im2col")
        let im2colOnes = alone(andWith: 2) { () -> [UInt32] in
            var cols = [Float](repeating: .nan, count: batch * length * (width + 1))
            ser_im2col_ones(batch, length, channels, kernel, length, 2, x, &cols)
            return cols.map(\.bitPattern)
        }
        #expect(im2colOnes.same && im2colOnes.jobs == 1, "im2col with a column of ones")
        let cols = values(batch * length * width, seed: 3)
        let col2im = alone(andWith: 2) { () -> [UInt32] in
            var dx = [Float](repeating: .nan, count: x.count)
            ser_col2im(batch, length, channels, kernel, length, 2, cols, &dx)
            return dx.map(\.bitPattern)
        }
        #expect(col2im.same && col2im.jobs == 1, "col2im")
        for (rows, columns) in [(384, 256), (1280, 33), (333, 129)] {
            let t = alone(andWith: 3) { () -> [UInt32] in
                let m = values(rows * columns, seed: 4)
                var y = [Float](repeating: .nan, count: rows * columns)
                ser_transpose(rows, columns, m, &y)
                return y.map(\.bitPattern)
            }
            #expect(t.same && t.jobs == 1, "transpose \(rows) × \(columns)")
        }
        for accumulate: Int32 in [0, 1] {
            let sums = alone(andWith: 2) { () -> [UInt32] in
                var out = values(200, seed: 5)
                ser_column_sums(640, 200, cols, &out, accumulate)
                return out.map(\.bitPattern)
            }
            #expect(sums.same && sums.jobs == 1, "column sums, accumulate \(accumulate)")
        }
        let count = 40_000 + 13
        let g = values(count, seed: 6)
        let adam = alone(andWith: 2) { () -> [UInt32] in
            var w = values(count, seed: 7), m = values(count, seed: 8).map { $0 * 1e-3 }, v = values(count, seed: 9).map { $0 * $0 }
            for _ in 0..<3 { ser_adam(count, &w, &m, &v, g, 0.1, 0.001, 3e-4, 1e-7) }
            return (w + m + v).map(\.bitPattern)
        }
        #expect(adam.same && adam.jobs == 3, "Adam")
    }

    /// A lone training with one shard shares its products with `cores` threads: the same weights for any count.
    @Test func trainingGivesTheSameWeightsOnAnyNumberOfCores() throws {
        let spec = ModelSpec.cnn1d(classes: 7)
        var rng = SplitMix64(seed: 3)
        let rows = 96
        let x = (0..<(rows * 160)).map { _ in rng.unitFloat() }
        let labels = (0..<rows).map { $0 % 7 }
        let data = try Dataset(values: x, labels: labels, width: 160)
        func weights(cores: Int) throws -> [UInt32] {
            let model = try Model(spec: spec, seed: 1)
            var o = TrainingOptions()
            o.epochs = 2
            o.patience = 0
            o.cores = cores
            _ = try Trainer.fit(model, train: data, validation: data, options: o)
            return Array(UnsafeBufferPointer(start: model.network.weights.pointer, count: model.network.parameterCount)).map(\.bitPattern)
        }
        let one = try weights(cores: 1)
        #expect(try weights(cores: 2) == one)
        #expect(try weights(cores: 3) == one)
    }
}
