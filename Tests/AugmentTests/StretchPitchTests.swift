import Audio
@testable import Augment
import Foundation
import Support
import Testing

@Suite struct StretchPitchTests {
    @Test(arguments: [0.8, 1.25])
    func timeStretchMatchesLibrosa(rate: Double) throws {
        let input = try Fixture.samples("input")
        let expected = try Fixture.samples("stretch-\(rate)")
        #expect(try Fixture.manifest().files["stretch-\(rate)"]?.length == expected.count)
        let y = try TimeStretch.apply(input, rate: rate)
        #expect(y.count == expected.count)
        #expect(y.count == Int((Double(input.count) / rate).rounded()))
        #expect(relativeL2(y, expected) < 1e-3)
    }

    @Test(arguments: [0.7, -2.0])
    func pitchShiftMatchesLibrosa(semitones: Double) throws {
        let input = Signal(samples: try Fixture.samples("input"), sampleRate: try Fixture.manifest().sample_rate)
        let expected = try Fixture.samples("pitch-\(semitones)")
        let y = try PitchShift.apply(input, semitones: semitones)
        #expect(y.samples.count == expected.count)
        #expect(y.samples.count == input.samples.count)
        #expect(y.sampleRate == input.sampleRate)
        #expect(relativeL2(y.samples, expected) < 1e-3)
    }

    @Test(arguments: [0.8, 1.25, 0.5])
    func stretchedToneKeepsItsFrequencyAndScalesItsLength(rate: Double) throws {
        let x = tone(440, seconds: 1.5)
        let y = try TimeStretch.apply(x, rate: rate)
        #expect(y.count == Int((Double(x.count) / rate).rounded()))
        #expect(abs(peakFrequency(y, rate: 22050, near: 440) - 440) <= 1)
    }

    @Test func pitchUpAnOctaveDoublesTheFrequency() throws {
        let x = Signal(samples: tone(440, seconds: 1.5), sampleRate: 22050)
        let y = try PitchShift.apply(x, semitones: 12)
        #expect(y.samples.count == x.samples.count)
        #expect(abs(peakFrequency(y.samples, rate: 22050, near: 880) - 880) <= 1)
        let down = try PitchShift.apply(x, semitones: -12)
        #expect(abs(peakFrequency(down.samples, rate: 22050, near: 220) - 220) <= 1)
    }

    @Test func badParametersAndSignalsAreErrors() {
        let x = Signal(samples: tone(440, seconds: 0.1), sampleRate: 22050)
        #expect { try TimeStretch.apply(x, rate: 0) } throws: { "\($0)".contains("0.0") }
        #expect { try TimeStretch.apply(x, rate: -0.8) } throws: { "\($0)".contains("-0.8") }
        #expect { try PitchShift.apply(x, semitones: 25) } throws: { "\($0)".contains("25") }
        #expect { try PitchShift.apply(x, semitones: -24.5) } throws: { "\($0)".contains("-24.5") }
        #expect { try TimeStretch.apply([Float](), rate: 1.1) } throws: { ($0 as? AugmentError)?.code == .badSignal }
    }

    @Test func veryShortSignalsWork() throws {
        // Shorter than one FFT frame: librosa pads and still returns round(n / r) samples.
        let x: [Float] = (0..<300).map { Float(sin(Double($0) * 0.3)) }
        #expect(try TimeStretch.apply(x, rate: 0.8).count == 375)
        #expect(try PitchShift.apply(Signal(samples: x, sampleRate: 22050), semitones: 3).samples.count == 300)
    }
}
