import Features

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Augmentation {
    /// Samples of the original, either side of the mapped time, that a resampler's output sample may depend on.
    ///
    /// An allowance, not soxr's exact filter length: half the STFT window (1024 samples), well beyond the
    /// reach of soxr's HQ filter at the pitch shift's near-1 ratios (`SourceSpanTests` checks it on a burst).
    public static let resamplerReach = TimeStretch.parameters.nFFT / 2

    /// The part of the original recording a window `[start, end)` (seconds) of this augmented copy was made
    /// from: the window mapped through the transforms (a time stretch by `rate` maps copy time `t` to source
    /// time `t · rate`; pitch shift and noise keep time) and widened by how far each transform reaches.
    ///
    /// Reach per phase-vocoder pass at rate `r` (time stretch, and the stretch inside a pitch shift), in the
    /// pass's input samples: the synthesis window (`n_fft / 2 · r`), the interpolation between two analysis
    /// frames (one hop) and the analysis window (`n_fft / 2`) — 2048 / 512 as librosa's effects. A pitch
    /// shift adds its resampler (`resamplerReach`). Noise is added sample by sample and reaches nowhere, but
    /// its level follows the peak of the whole recording (`NoiseLevel.peak`): one number, not audio content.
    ///
    /// The naive split of an augmented table uses this span to keep a copy's window out of training when any
    /// of it comes from a window on the validation or test side.
    public func sourceSpan(start: Double, end: Double, sampleRate: Int) -> (start: Double, end: Double) {
        let sr = Double(sampleRate)
        let halfWindow = Double(TimeStretch.parameters.nFFT / 2)
        let hop = Double(TimeStretch.parameters.hopLength)
        func vocoderReach(_ rate: Double) -> Double { halfWindow * rate + hop + halfWindow }
        var lo = start, hi = end
        // Undo the transforms from the last applied to the first.
        for transform in transforms.reversed() {
            switch transform {
            case .noise:
                continue
            case .pitch(let semitones):
                let rate = pow(2.0, -semitones / 12)
                let reach = (Double(Augmentation.resamplerReach) * rate + vocoderReach(rate)) / sr
                lo -= reach
                hi += reach
            case .stretch(let rate):
                lo = lo * rate - vocoderReach(rate) / sr
                hi = hi * rate + vocoderReach(rate) / sr
            }
        }
        return (max(0, lo), hi)
    }
}
