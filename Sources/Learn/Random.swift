/// Stream ids of the one seed: Learn's random draws come from `SplitMix64(seed:stream:)` (Support), one
/// stream per use, so initialization, shuffling and dropout never share numbers.
enum RandomStream: UInt64 {
    case initialization = 1
    case shuffle = 2
    case dropout = 3
    case outputLayer = 4
}
