import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Post-processing that espeak-ng cannot do: loudness, breathiness, roughness, tremor, and the speaker's
/// recording channel (spectral tilt, noise floor, leading and trailing silence).
enum VoiceQuality {
    /// Applies `v` to `samples` (mono, `sampleRate` Hz), drawing noise from `r`.
    static func apply(_ samples: [Float], sampleRate: Int, voice v: UtteranceVoice, random r: inout SplitMix64) -> [Float] {
        let sr = Double(sampleRate)
        let lead = Int(v.leadSilence * sr), trail = Int(v.trailSilence * sr)
        let n = samples.count
        var out = [Float](repeating: 0, count: lead + n + trail)
        // Envelope follower (≈ 10 ms) so breath noise rides on the voice.
        let attack = Float(exp(-1 / (0.01 * sr)))
        let tremorStep = 2 * Double.pi * v.tremorRate / sr
        // Roughness: irregular amplitude modulation from three low-frequency partials (shimmer-like).
        let roughFreqs = (0..<3).map { _ in r.uniform(25, 70) }
        let roughPhases = (0..<3).map { _ in r.uniform(0, 2 * Double.pi) }
        let tremorPhase = r.uniform(0, 2 * Double.pi)
        var env: Float = 0
        var highpassPrev: Float = 0, noisePrev: Float = 0
        var lowpass: Float = 0
        let tilt = Float(v.tilt), gain = Float(v.gain), breath = Float(v.breath), floor = Float(v.noiseFloor)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for i in 0..<n {
                    var s = x[i]
                    let t = Double(i)
                    if v.roughness > 0 {
                        var m = 0.0
                        for k in 0..<3 { m += sin(2 * Double.pi * roughFreqs[k] * t / sr + roughPhases[k]) }
                        s *= Float(1 + v.roughness * m / 3)
                    }
                    if v.tremor > 0 { s *= Float(1 + v.tremor * sin(tremorStep * t + tremorPhase)) }
                    env = max(abs(x[i]), env * attack)
                    // Breath: high-passed white noise scaled by the envelope.
                    let white = Float(r.unit() * 2 - 1)
                    let hp = white - noisePrev + 0.95 * highpassPrev
                    noisePrev = white
                    highpassPrev = hp
                    s += breath * 6 * env * hp
                    // Channel: a one-pole low-pass mixed in by `tilt` dulls the top end.
                    lowpass += 0.35 * (s - lowpass)
                    s = (1 - tilt) * s + tilt * lowpass
                    y[lead + i] = gain * s
                }
                for i in 0..<y.count { y[i] += floor * Float(r.unit() * 2 - 1) }
            }
        }
        let peak = largestMagnitude(out)
        if peak > 0.98 {
            let scale = 0.98 / peak
            for i in 0..<out.count { out[i] *= scale }
        }
        return out
    }
}
