import Testing
@testable import Audio

@Suite struct ResampleRatioTests {
    /// librosa.resample(y, orig_sr=sr / 2^(-0.7/12), target_sr=sr, res_type="soxr_hq"): pitch_shift's resampling step.
    @Test func matchesLibrosa() throws {
        let manifest = try Fixture.manifest()
        let expected = try Fixture.samples("resample-ratio")
        let info = try #require(manifest.files["resample-ratio"])
        let source = try #require(info.source_rate), target = try #require(info.target_rate)
        let y = try Resampler.resample(try Fixture.samples("input"), from: source, to: target)
        #expect(y.count == info.length)
        #expect(relativeL2(y, expected) < 1e-4)
    }

    @Test(arguments: [(8821, 22959.83046339248, 22050.0), (1000, 22050.0 / 0.8, 22050.0), (12345, 16000.5, 22050.0)])
    func lengthIsCeilOfNTimesRatio(n: Int, source: Double, target: Double) throws {
        let y = try Resampler.resample([Float](repeating: 0.1, count: n), from: source, to: target)
        #expect(y.count == Int((Double(n) * (target / source)).rounded(.up)))
        #expect(y.count == Resampler.outputLength(inputLength: n, from: source, to: target))
    }

    @Test(arguments: [0.0, -22050.0, Double.nan, Double.infinity])
    func badRateNamesTheValue(rate: Double) {
        #expect { try Resampler.resample([1, 2, 3], from: rate, to: 22050) } throws: { "\($0)".contains("\(rate)") }
    }
}
