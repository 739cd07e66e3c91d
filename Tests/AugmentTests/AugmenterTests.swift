import Testing
import Audio
@testable import Augment
import Support
import Synchronization

@Suite struct AugmenterTests {
    let originals: [AugmentedSignal] = ["f1/a.wav", "f1/b.wav", "m2/c.wav"].enumerated().map { i, source in
        AugmentedSignal(original: Signal(samples: tone(200 + 50 * Double(i), seconds: 0.3), sampleRate: 22050), source: source)
    }

    @Test func studyRecipeGivesEachOriginalSevenLabelledCopies() throws {
        let out = try Augmenter.augmentTraining(originals, recipe: .study, seed: 1)
        #expect(out.count == originals.count * 8)
        for (i, original) in originals.enumerated() {
            let group = Array(out[(8 * i)..<(8 * i + 8)])
            #expect(group[0] == original)
            #expect(group.allSatisfy { $0.provenance.source == original.provenance.source })
            #expect(group.map { $0.provenance.attributes["augmentation"]! } ==
                    ["none", "noise", "stretch", "pitch", "noise+stretch", "noise+pitch", "stretch+pitch", "noise+stretch+pitch"])
            for copy in group.dropFirst() {
                let augmentation = try #require(copy.provenance.augmentation)
                #expect((copy.provenance.seed != nil) == augmentation.isRandom)
                #expect(try Provenance(attributes: copy.provenance.attributes) == copy.provenance)
                let stretched = augmentation.transforms.contains(.stretch(rate: 0.8))
                let n = original.signal.samples.count
                #expect(copy.signal.samples.count == (stretched ? Int((Double(n) / 0.8).rounded()) : n))
            }
        }
        let withoutOriginals = try Augmenter.augmentTraining(originals, recipe: .study, seed: 1, includeOriginals: false)
        #expect(withoutOriginals.count == originals.count * 7)
        #expect(withoutOriginals.allSatisfy { $0.provenance.isAugmented })
    }

    /// Issue 12, item 8 for what augmentation makes: `--noise 1e300` (or `--snr -1e308`) wrote a WAV of
    /// infinities with status 0; a copy with a non-finite sample is an error naming the file and the sample.
    @Test func overflowingNoiseIsAnErrorNotAWAVOfInfinities() throws {
        for transform in [Transform.noise(.peak(factor: 1e300)), .noise(.snr(decibels: -1e308))] {
            let recipe = try Recipe.of([transform], combine: false)
            let error = #expect(throws: AugmentError.self) { try Augmenter.augment(originals[0], recipe: recipe, seed: 1) }
            #expect(error?.path == "f1/a.wav")
            #expect(error?.message.hasPrefix("noise: sample ") == true && error?.message.contains("lower its level") == true, "\(error?.message ?? "")")
        }
    }

    @Test func sameSeedSameOutputWhateverTheThreads() throws {
        let a = try Augmenter.augmentTraining(originals, recipe: .study, seed: 9, threads: 1)
        let b = try Augmenter.augmentTraining(originals, recipe: .study, seed: 9, threads: 3)
        #expect(a == b)
        let c = try Augmenter.augmentTraining(originals, recipe: .study, seed: 10, threads: 2)
        for (x, y) in zip(a, c) {
            // Only the copies with noise depend on the seed.
            #expect((x == y) == !(x.provenance.augmentation?.isRandom ?? false))
        }
    }

    @Test func copiesOfDifferentFilesGetDifferentNoise() throws {
        let seeds = try Augmenter.augmentTraining(originals, recipe: .study, seed: 3).compactMap(\.provenance.seed)
        #expect(Set(seeds).count == seeds.count)
    }

    @Test func combinationsComposeTheSingleTransforms() throws {
        let x = originals[0].signal
        let both = try Augmenter.apply(try Augmentation([.pitch(semitones: 0.7), .stretch(rate: 0.8)]), to: x, seed: 0)
        #expect(both == (try PitchShift.apply(try TimeStretch.apply(x, rate: 0.8), semitones: 0.7)))
        let noisy = try Augmenter.apply(try Augmentation([.noise(.peak(factor: 0.035)), .stretch(rate: 1.25)]), to: x, seed: 77)
        let stretched = try TimeStretch.apply(x, rate: 1.25)
        #expect(noisy.samples == NoiseInjection.apply(stretched.samples, level: .peak(factor: 0.035), seed: 77))
    }

    @Test func sharedStepsGiveTheSameSamplesAsEachAugmentationAlone() throws {
        let copies = try Augmenter.augment(originals[1], recipe: .study, seed: 4)
        for copy in copies {
            let augmentation = try #require(copy.provenance.augmentation)
            let alone = try Augmenter.apply(augmentation, to: originals[1].signal, seed: copy.provenance.seed ?? 0)
            #expect(copy.signal == alone, "\(augmentation.name)")
        }
        let sp = try #require(copies.first { $0.provenance.augmentation?.name == "stretch+pitch" })
        #expect(sp.signal == (try PitchShift.apply(try TimeStretch.apply(originals[1].signal, rate: 0.8), semitones: 0.7)))
    }

    @Test func theFirstFailureStopsTheWork() {
        let calls = Counter()
        #expect {
            try Augmenter.parallelMap(Array(0..<100), threads: 1) { (i: Int) throws(AugmentError) -> Int in
                _ = calls.increment()
                if i == 3 || i == 50 { throw AugmentError(.badSignal, path: "file\(i)", "bad") }
                return i
            }
        } throws: { ($0 as? AugmentError)?.path == "file3" }
        #expect(calls.value == 4)
    }

    @Test func cancellationStopsTheWork() throws {
        let started = Counter()
        #expect {
            try Augmenter.augmentTraining(originals, recipe: .study, seed: 1, threads: 1,
                                          isCancelled: { started.increment() > 1 })
        } throws: { ($0 as? AugmentError)?.code == .cancelled }
        // Not cancelled: everything is done.
        #expect(try Augmenter.augmentTraining(originals, recipe: .study, seed: 1, isCancelled: { false }).count == 24)
    }

    @Test func heldOutFilesCannotBeAugmented() {
        #expect {
            try Augmenter.augmentTraining(originals, recipe: .study, seed: 1, heldOut: ["m2/c.wav", "x.wav"])
        } throws: { error in
            guard let e = error as? AugmentError else { return false }
            return e.code == .leak && e.path == "m2/c.wav"
        }
    }

    @Test func augmentedCopiesAndEmptySignalsAreRejected() throws {
        let copy = try Augmenter.augment(originals[0], recipe: .study, seed: 1)[0]
        #expect { try Augmenter.augmentTraining([copy], recipe: .study, seed: 1) } throws: {
            ($0 as? AugmentError)?.path == "f1/a.wav" && "\($0)".contains("already augmented")
        }
        let empty = AugmentedSignal(original: Signal(samples: [], sampleRate: 22050), source: "empty.wav")
        #expect { try Augmenter.augmentTraining(originals + [empty], recipe: .study, seed: 1) } throws: {
            ($0 as? AugmentError)?.path == "empty.wav"
        }
    }
}

/// A thread-safe counter for the tests above.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() -> Int { count.withLock { $0 += 1; return $0 } }
}
