import Foundation
import Testing
import Audio
@testable import Augment

/// `Augmentation.sourceSpan`: which audio of the original a window of a copy was made from. Checked on a
/// burst in silence: a copy's window whose span misses the burst must hold no sound, and the window where the
/// burst lands must have a span that contains it.
@Suite struct SourceSpanTests {
    static let rate = 22050
    static let burst = (start: 2.0, end: 2.05)

    /// 5 s of silence with a 50 ms burst of 440 Hz at 2.0 s.
    static func signal() -> Signal {
        var samples = [Float](repeating: 0, count: 5 * rate)
        for i in Int(burst.start * Double(rate))..<Int(burst.end * Double(rate)) {
            samples[i] = 0.5 * Float(sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
        }
        return Signal(samples: samples, sampleRate: rate)
    }

    static let deterministic = Recipe.study.augmentations.filter { !$0.isRandom }

    @Test func theStudyRecipeHasThreeNoiseFreeCopies() {
        #expect(Self.deterministic.map(\.name) == ["stretch", "pitch", "stretch+pitch"])
    }

    @Test(arguments: deterministic)
    func windowsWhoseSpanMissesTheBurstAreSilent(augmentation: Augmentation) throws {
        let copy = try Augmenter.apply(augmentation, to: Self.signal(), seed: 1)
        let window = Self.rate / 4
        var burstEnergy = 0.0, loudest = (energy: 0.0, start: 0)
        var silentSpans = 0
        for start in stride(from: 0, to: copy.samples.count - window, by: window / 2) {
            let energy = copy.samples[start..<(start + window)].reduce(0.0) { $0 + Double($1) * Double($1) }
            burstEnergy += energy
            if energy > loudest.energy { loudest = (energy, start) }
            let span = augmentation.sourceSpan(start: Double(start) / Double(Self.rate), end: Double(start + window) / Double(Self.rate),
                                               sampleRate: Self.rate)
            if span.end <= Self.burst.start || span.start >= Self.burst.end {
                silentSpans += 1
                #expect(energy < 1e-9, "\(augmentation.name): window at \(Double(start) / Double(Self.rate)) s, span \(span), energy \(energy)")
            }
        }
        #expect(burstEnergy > 1, "the burst is in the copy")
        #expect(silentSpans > 10, "most windows are away from the burst")
        let loud = augmentation.sourceSpan(start: Double(loudest.start) / Double(Self.rate),
                                           end: Double(loudest.start + window) / Double(Self.rate), sampleRate: Self.rate)
        #expect(loud.start < Self.burst.end && Self.burst.start < loud.end, "\(augmentation.name): the loudest window's span \(loud) holds the burst")
    }

    @Test func aStretchMapsCopyTimeToSourceTimeByItsRate() throws {
        let stretch = try Augmentation(.stretch(rate: 0.8))
        let span = stretch.sourceSpan(start: 2, end: 4, sampleRate: Self.rate)
        let reach = (1024 * 0.8 + 512 + 1024) / Double(Self.rate)
        #expect(abs(span.start - (1.6 - reach)) < 1e-12 && abs(span.end - (3.2 + reach)) < 1e-12)
        let noise = try Augmentation(.noise(.peak(factor: 0.035)))
        let unchanged = noise.sourceSpan(start: 2, end: 4, sampleRate: Self.rate)
        #expect(unchanged.start == 2 && unchanged.end == 4)
        #expect(stretch.sourceSpan(start: 0, end: 2, sampleRate: Self.rate).start == 0)
    }
}
