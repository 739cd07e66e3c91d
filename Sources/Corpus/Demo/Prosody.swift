import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an emotion changes the voice relative to the speaker's neutral voice, at full intensity.
///
/// Factors multiply (rate, pitch range, loudness); shifts add (pitch on espeak-ng's 0–99 scale, word gap in
/// 10 ms units); voice-quality amounts (breath, roughness, tremor) are mixed in by post-processing.
struct EmotionProsody: Sendable {
    var rate: Double
    var pitch: Double
    var range: Double
    var loudness: Double
    var gap: Double
    var breath: Double
    var roughness: Double
    var tremor: Double

    /// The portrayals: textbook acoustic correlates of acted emotions (loud, fast, tense anger; slow, low,
    /// flat, breathy sadness; high, fast, trembling fear; …), deliberately overlapping.
    static func of(_ e: Emotion) -> EmotionProsody {
        switch e {
        case .neutral:
            EmotionProsody(rate: 1, pitch: 0, range: 1, loudness: 1, gap: 0, breath: 0, roughness: 0, tremor: 0)
        case .anger:
            EmotionProsody(rate: 1.12, pitch: 8, range: 1.6, loudness: 1.7, gap: 0, breath: 0, roughness: 0.35, tremor: 0)
        case .disgust:
            EmotionProsody(rate: 0.84, pitch: -8, range: 1.25, loudness: 0.95, gap: 2, breath: 0.02, roughness: 0.25, tremor: 0)
        case .fear:
            EmotionProsody(rate: 1.18, pitch: 18, range: 0.75, loudness: 0.8, gap: 1, breath: 0.06, roughness: 0, tremor: 0.18)
        case .happiness:
            EmotionProsody(rate: 1.1, pitch: 14, range: 1.9, loudness: 1.3, gap: 0, breath: 0.015, roughness: 0, tremor: 0)
        case .sadness:
            EmotionProsody(rate: 0.8, pitch: -12, range: 0.45, loudness: 0.65, gap: 3, breath: 0.05, roughness: 0.05, tremor: 0.06)
        case .surprise:
            EmotionProsody(rate: 1.02, pitch: 22, range: 2.3, loudness: 1.25, gap: 1, breath: 0.01, roughness: 0, tremor: 0)
        }
    }
}

/// One speaker's voice: an espeak-ng voice, a neutral pitch/rate/range, how strongly and how idiosyncratically
/// they act, and their recording channel.
struct DemoSpeaker: Sendable {
    var id: String
    var gender: String
    /// espeak-ng voice and variant, e.g. "it+f2".
    var voice: String
    /// Neutral pitch on espeak-ng's 0–99 scale.
    var pitch: Double
    /// Neutral rate in words per minute.
    var rate: Double
    /// Neutral pitch range in percent of espeak-ng's default.
    var range: Double
    /// How strongly this speaker portrays emotions (multiplies every emotion's effect).
    var expressiveness: Double
    /// Breathiness of the voice itself.
    var breath: Double
    /// Spectral tilt of the recording channel (0 flat … 0.7 dull) and its noise floor (linear amplitude).
    var tilt: Double
    var noiseFloor: Double
    /// Per-emotion personal deviations from the textbook portrayal, indexed by `Emotion.allCases`.
    var quirks: [EmotionProsody]

    static let femaleVariants = ["f1", "f2", "f3", "f4", "f5", "Annie", "belinda", "linda", "aunty", "Alicia", "Andrea", "steph"]
    static let maleVariants = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "Andy", "Hugo", "Lee", "Marco", "travis", "victor", "Denis"]

    /// Draws a speaker's traits from the run seed (the same id and seed always give the same voice).
    init(id: String, gender: String, language: String, index: Int, seed: UInt64) {
        var r = SplitMix64(seed: seed, key: "speaker " + id)
        self.id = id
        self.gender = gender
        let variants = gender == "female" ? DemoSpeaker.femaleVariants : DemoSpeaker.maleVariants
        voice = language + "+" + variants[index % variants.count]
        pitch = r.uniform(36, 62)
        rate = r.uniform(148, 188)
        range = r.uniform(70, 130)
        expressiveness = r.uniform(0.65, 1.25)
        breath = r.uniform(0, 0.015)
        tilt = r.uniform(0, 0.6)
        noiseFloor = r.uniform(0.0005, 0.004)
        quirks = Emotion.allCases.map { _ in
            EmotionProsody(rate: exp(0.06 * r.normal()), pitch: 4 * r.normal(), range: exp(0.2 * r.normal()),
                           loudness: exp(0.12 * r.normal()), gap: 0.6 * r.normal(), breath: 0.01 * r.normal(),
                           roughness: 0.08 * r.normal(), tremor: 0.03 * r.normal())
        }
    }
}

/// The concrete settings of one utterance: espeak-ng arguments and post-processing amounts.
struct UtteranceVoice: Sendable, Equatable {
    var voice: String
    var rate: Int
    var pitch: Int
    var range: Int
    var gap: Int
    var gain: Double
    var breath: Double
    var roughness: Double
    var tremor: Double
    var tremorRate: Double
    var tilt: Double
    var noiseFloor: Double
    var leadSilence: Double
    var trailSilence: Double

    /// Combines speaker, emotion at `intensity` (0 = neutral … 1 = full) and per-utterance random variation.
    init(speaker s: DemoSpeaker, emotion: Emotion, intensity: Double, random r: inout SplitMix64) {
        let p = EmotionProsody.of(emotion)
        let q = s.quirks[Emotion.allCases.firstIndex(of: emotion)!]
        let k = intensity * s.expressiveness
        func pw(_ x: Double) -> Double { pow(x, k) }
        voice = s.voice
        rate = Int((s.rate * pw(p.rate) * q.rate * exp(0.07 * r.normal())).rounded())
        pitch = Int(min(99, max(0, s.pitch + k * p.pitch + q.pitch + 4 * r.normal())).rounded())
        range = Int(min(400, max(10, s.range * pw(p.range) * q.range * exp(0.18 * r.normal()))).rounded())
        gap = Int(max(0, k * p.gap + q.gap + 0.6 * r.normal()).rounded())
        gain = 0.42 * pw(p.loudness) * q.loudness * exp(0.14 * r.normal())
        breath = max(0, s.breath + k * p.breath + q.breath + 0.006 * r.normal())
        roughness = max(0, k * p.roughness + q.roughness + 0.04 * r.normal())
        tremor = max(0, k * p.tremor + q.tremor + 0.02 * r.normal())
        tremorRate = r.uniform(4.5, 7)
        tilt = s.tilt
        noiseFloor = s.noiseFloor
        leadSilence = r.uniform(0.05, 0.3)
        trailSilence = r.uniform(0.05, 0.3)
    }
}
