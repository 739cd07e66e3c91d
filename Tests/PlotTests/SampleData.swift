import Support
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed, deterministic data for golden images (no randomness beyond a fixed-seed SplitMix64, Support's).
enum SampleData {
    static let sampleRate = 22050
    static let hop = 512
    static let frames = 64

    /// 1.2 s: a decaying 220 Hz tone with harmonics, a pause, then a burst of noise.
    static let waveform: [Float] = {
        var rng = SplitMix64(seed: 7)
        let n = Int(1.2 * Double(sampleRate))
        return (0..<n).map { i in
            let t = Double(i) / Double(sampleRate)
            var v = 0.0
            if t < 0.6 {
                let env = min(1, t / 0.02) * exp(-t * 3)
                v = env * (0.6 * sin(2 * .pi * 220 * t) + 0.25 * sin(2 * .pi * 440 * t) + 0.1 * sin(2 * .pi * 660 * t))
            } else if t > 0.75 && t < 1.05 {
                v = 0.3 * rng.signed() * sin(.pi * (t - 0.75) / 0.3)
            }
            return Float(v)
        }
    }()

    /// 64 mel bands × frames, dB (max 0): a gliding harmonic series over a noise floor.
    static let melDB: [Float] = {
        var rng = SplitMix64(seed: 11)
        let bands = 64
        var out = [Float](repeating: 0, count: bands * frames)
        for b in 0..<bands {
            for f in 0..<frames {
                var v = -70 + 6 * rng.signed()
                for h in 1...4 {
                    let centre = Double(h) * (8 + 6 * sin(Double(f) / 10)) + 2
                    let d = Double(b) - centre
                    v = max(v, -6 * Double(h) - d * d * 2.5)
                }
                if f > 44 && f < 54 { v = max(v, -30 + Double(b) * 0.2 + 4 * rng.signed()) }
                out[b * frames + f] = Float(v)
            }
        }
        let top = out.max()!
        return out.map { $0 - top }
    }()

    /// 20 MFCC × frames: smooth signed waves, coefficient 0 strongly negative.
    static let mfcc: [Float] = {
        var out = [Float](repeating: 0, count: 20 * frames)
        for c in 0..<20 {
            for f in 0..<frames {
                let base = c == 0 ? -250.0 : 120.0 / Double(c) * sin(Double(f) / 6 + Double(c))
                out[c * frames + f] = Float(base + (c == 0 ? 40 * sin(Double(f) / 9) : 0))
            }
        }
        return out
    }()

    /// 12 chroma × frames in 0 … 1: an A-major arpeggio.
    static let chroma: [Float] = {
        var out = [Float](repeating: 0.05, count: 12 * frames)
        let notes = [9, 1, 4, 9]  // A, C♯, E, A
        for f in 0..<frames {
            let note = notes[(f / 16) % notes.count]
            for p in 0..<12 {
                let d = min(abs(p - note), 12 - abs(p - note))
                out[p * frames + f] = Float(d == 0 ? 1 : d == 1 ? 0.35 : d == 5 || d == 7 ? 0.5 : 0.08 + 0.02 * Double(p % 3))
            }
        }
        return out
    }()

    /// Linear-frequency STFT power in dB: 129 bins (n_fft 256) × frames.
    static let stftDB: [Float] = {
        let bins = 129
        var out = [Float](repeating: 0, count: bins * frames)
        for k in 0..<bins {
            for f in 0..<frames {
                let chirp = 10 + Double(f) * 1.5
                let d = Double(k) - chirp
                out[k * frames + f] = Float(max(-80, -d * d * 0.8 - Double(k) * 0.15))
            }
        }
        return out
    }()

    static let emotions = ["disgust", "joy", "fear", "anger", "surprise", "sadness", "neutral"]
    static let emozioni = ["disgusto", "gioia", "paura", "rabbia", "sorpresa", "tristezza", "neutralità"]

    /// A 7-class confusion matrix with `correct` items on the diagonal out of 20 a class.
    static func confusion(correct: [Int], seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        let n = correct.count
        var out = [Int](repeating: 0, count: n * n)
        for t in 0..<n {
            out[t * n + t] = correct[t]
            for _ in 0..<(20 - correct[t]) {
                var p = Int(rng.next() % UInt64(n - 1))
                if p >= t { p += 1 }
                out[t * n + p] += 1
            }
        }
        return out
    }

    /// 40 epochs of Keras-like history; validation loss bottoms out at epoch 28.
    static let history: (trainLoss: [Double], valLoss: [Double], trainAcc: [Double], valAcc: [Double]) = {
        var rng = SplitMix64(seed: 3)
        var tl: [Double] = [], vl: [Double] = [], ta: [Double] = [], va: [Double] = []
        for e in 1...40 {
            let x = Double(e)
            tl.append(1.9 * exp(-x / 9) + 0.12 + 0.02 * rng.signed())
            vl.append(1.9 * exp(-x / 11) + 0.45 + 0.0006 * (x - 28) * (x - 28) + 0.03 * rng.signed())
            ta.append(min(0.99, 0.18 + 0.8 * (1 - exp(-x / 8)) + 0.01 * rng.signed()))
            va.append(0.16 + 0.56 * (1 - exp(-x / 10)) - 0.0002 * max(0, x - 28) * (x - 28) + 0.015 * rng.signed())
        }
        return (tl, vl, ta, va)
    }()

    /// The study's 1-D CNN in Keras summary terms (input included).
    static let model: (types: [String], shapes: [String], params: [Int]) = (
        ["InputLayer", "Conv1D", "Activation", "Conv1D", "Activation", "Dropout", "MaxPooling1D", "Conv1D",
         "Activation", "Conv1D", "Activation", "Flatten", "Dense", "Activation"],
        ["(None, 160, 1)", "(None, 160, 256)", "(None, 160, 256)", "(None, 160, 128)", "(None, 160, 128)",
         "(None, 160, 128)", "(None, 20, 128)", "(None, 20, 128)", "(None, 20, 128)", "(None, 20, 128)",
         "(None, 20, 128)", "(None, 2560)", "(None, 7)", "(None, 7)"],
        [0, 1536, 0, 163_968, 0, 0, 0, 82_048, 0, 82_048, 0, 0, 17_927, 0]
    )
}

extension SplitMix64 {
    /// Uniform in [-1, 1).
    mutating func signed() -> Double { unit() * 2 - 1 }
}
