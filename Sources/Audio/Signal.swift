/// A mono audio signal: float32 samples in [-1, 1] at a sample rate in Hz.
///
/// Everything after decoding works on this type: `Audio.load` returns it, features and augmentations take it.
public struct Signal: Sendable, Equatable {
    /// The samples, one per frame.
    public var samples: [Float]
    /// Frames per second.
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Duration in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}
