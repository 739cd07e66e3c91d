import Audio
import Foundation
import Testing
@testable import Features

/// ser against librosa 0.11 on the committed clips (scripts/fixtures/features.py): the loaded signal within
/// 1e-5, and per window a relative L2 error ≤ 1e-3 for each block of the feature vector.
@Suite struct ParityTests {
    static let clips = Fixture.cases("audio").map { $0["name"] as! String }

    func clip(_ name: String) -> [String: Any] { Fixture.cases("audio").first { $0["name"] as! String == name }! }
    func path(_ name: String) -> String { Fixture.directory.appendingPathComponent(name).path }

    /// Prints measured errors when SER_PARITY_REPORT is set (for the bench notes); silent otherwise.
    func report(_ line: String) {
        if ProcessInfo.processInfo.environment["SER_PARITY_REPORT"] != nil { print("parity: \(line)") }
    }

    @Test(arguments: clips)
    func loadMatchesLibrosa(name: String) throws {
        let c = clip(name)
        let signal = try Audio.load(path(name))
        #expect(signal.sampleRate == 22050)
        #expect(signal.samples.count == c["loaded_count"] as! Int)
        // The reusable per-thread resampler `ser features` uses gives the same samples.
        var profile = LoadProfile()
        let session = Resampler.Session()
        _ = try Audio.load(path(name), profile: &profile, session: session)
        let viaSession = try Audio.load(path(name), profile: &profile, session: session)
        #expect(viaSession == signal)
        if let loaded = c["loaded"] as? String {
            let error = Fixture.maxAbsDifference(signal.samples, Fixture.floats(loaded))
            report("load \(name): max |Δ| = \(error)")
            #expect(error <= 1e-5)
        } else {
            // At 22050 Hz mono librosa.load returns the decoded samples untouched (checked by the script).
            #expect(c["loaded_is_decoded"] as? Bool == true)
            #expect(signal.samples == (try SoundFile.read(path(name))).mono())
        }
    }

    @Test(arguments: clips)
    func windowVectorsMatchLibrosa(name: String) throws {
        let c = clip(name)
        let signal = try Audio.load(path(name))
        let extractor = FeatureExtractor()
        for w in c["windows"] as! [[String: Any]] {
            let windowing = Windowing(length: w["length"] as! Double, hop: w["hop"] as! Double)
            let ranges = windowing.ranges(sampleCount: signal.samples.count, sampleRate: 22050)
            let expectedRanges = (w["ranges"] as! [[Int]]).map { $0[0]..<$0[1] }
            try #require(ranges == expectedRanges)
            let expected = Fixture.floats(w["vectors"] as! String)
            let ours = extractor.vectors(signal.samples, windows: ranges)
            try #require(ours.count == expected.count && ours.count == ranges.count * 160)
            var worst = (mel: 0.0, mfcc: 0.0, chroma: 0.0)
            for i in ranges.indices {
                let a = ours[(i * 160)..<(i * 160 + 160)], b = expected[(i * 160)..<(i * 160 + 160)]
                let mel = Fixture.relativeError(a.prefix(128), b.prefix(128))
                let mfcc = Fixture.relativeError(a.dropFirst(128).prefix(20), b.dropFirst(128).prefix(20))
                let chroma = Fixture.relativeError(a.suffix(12), b.suffix(12))
                #expect(mel <= 1e-3, "\(name) window \(i): mel relative error \(mel)")
                #expect(mfcc <= 1e-3, "\(name) window \(i): MFCC relative error \(mfcc)")
                #expect(chroma <= 1e-3, "\(name) window \(i): chroma relative error \(chroma)")
                worst = (max(worst.mel, mel), max(worst.mfcc, mfcc), max(worst.chroma, chroma))
                // The tuning each window's chroma used is librosa's.
                let S = STFT.spectrogram(Array(signal.samples[ranges[i]]))
                let tuning = Spectral.estimateTuning(powerSpectrogram: S, sampleRate: 22050)
                #expect(abs(tuning - (w["tunings"] as! [Double])[i]) < 1e-9, "\(name) window \(i): tuning \(tuning)")
            }
            report("\(name) W=\(windowing.length) H=\(windowing.hop): worst relative L2 mel \(worst.mel), MFCC \(worst.mfcc), chroma \(worst.chroma)")
        }
    }

    @Test func fullMatricesMatchLibrosa() throws {
        let m = Fixture.manifest["matrices"] as! [String: Any]
        let signal = try Audio.load(path(m["clip"] as! String))
        let frames = m["frames"] as! Int
        let mel = Spectral.melSpectrogram(signal.samples)
        #expect(mel.rows == 128 && mel.columns == frames)
        #expect(Fixture.relativeError(mel.values, Fixture.floats(m["mel"] as! String)) <= 1e-4)
        let melDB = Spectral.powerToDB(mel)
        #expect(Fixture.relativeError(melDB.values, Fixture.floats(m["mel_db"] as! String)) <= 1e-4)
        let mfcc = Spectral.mfcc(signal.samples)
        #expect(mfcc.rows == 20 && mfcc.columns == frames)
        #expect(Fixture.relativeError(mfcc.values, Fixture.floats(m["mfcc"] as! String)) <= 1e-4)
        let S = STFT.spectrogram(signal.samples)
        #expect(abs(Spectral.estimateTuning(powerSpectrogram: S, sampleRate: 22050) - (m["tuning"] as! Double)) < 1e-9)
        let chroma = Spectral.chroma(signal.samples)
        #expect(chroma.rows == 12 && chroma.columns == frames)
        let chromaError = Fixture.relativeError(chroma.values, Fixture.floats(m["chroma"] as! String))
        report("full matrices: chroma relative L2 \(chromaError)")
        #expect(chromaError <= 1e-3)
    }

    @Test func filterbanksMatchLibrosa() {
        let f = Fixture.manifest["filterbanks"] as! [String: String]
        let mel = Filterbank.mel(sampleRate: 16000, nFFT: 512, nMels: 40)
        #expect(mel.filters == 40 && mel.bins == 257)
        #expect(Fixture.relativeError(mel.weights.values, Fixture.floats(f["mel_16000_512_40"]!)) <= 1e-6)
        let chroma0 = Filterbank.chroma(sampleRate: 22050, nFFT: 2048)
        #expect(Fixture.relativeError(chroma0.weights.values, Fixture.floats(f["chroma_22050_2048_0"]!)) <= 1e-6)
        let chromaTuned = Filterbank.chroma(sampleRate: 22050, nFFT: 2048, tuning: -0.23)
        #expect(Fixture.relativeError(chromaTuned.weights.values, Fixture.floats(f["chroma_22050_2048_m0.23"]!)) <= 1e-6)
    }
}
