import Foundation
import Testing
@testable import Learn
import Support

extension GEMM.Kernel {
    /// The kernels this CPU runs, up to the best one: what tests compare bit for bit.
    static var runnable: [GEMM.Kernel] { allCases.prefix { $0 != GEMM.bestKernel } + [GEMM.bestKernel] }
}

/// The integer weight formula of scripts/fixtures/learn.py, evaluated exactly as numpy does (float64, then float32).
func formulaKernel(count: Int, layer s: Int, fanIn: Int, fanOut: Int) -> [Float] {
    let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
    return (0..<count).map { (i: Int) -> Float in
        let n: Int = (i * 7919 + s * 104729) % 2001 - 1000
        return Float(Double(n) / 1000.0 * limit)
    }
}

func formulaBias(count: Int, layer s: Int) -> [Float] {
    (0..<count).map { (j: Int) -> Float in
        let n: Int = (j * 31 + s * 17) % 21 - 10
        return Float(Double(n) / 100.0)
    }
}

/// Sets every Conv1D/Dense layer of `model` from the fixture formula.
func setFormulaWeights(_ model: Model) throws {
    for i in model.spec.layers.indices {
        let shapes = model.weightShapes(layer: i)
        guard shapes.count == 2 else { continue }
        let k = shapes[0]
        let (fanIn, fanOut) = k.count == 3 ? (k[0] * k[1], k[0] * k[2]) : (k[0], k[1])
        try model.setWeights(layer: i, [
            Tensor(shape: k, values: formulaKernel(count: k.reduce(1, *), layer: i, fanIn: fanIn, fanOut: fanOut)),
            Tensor(shape: shapes[1], values: formulaBias(count: shapes[1][0], layer: i)),
        ])
    }
}

/// The committed Keras fixture.
struct KerasFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var input_shape: [Int]
        var batch: Int
        var layers: [LayerSpec]
        var input: [Float]
        var output: [Float]
        var output_shape: [Int]
        var params: Int
        var layer_params: [Int]
        var layer_shapes: [[Int]]
    }
    struct Train: Decodable {
        var input_shape: [Int]
        var batch: Int
        var layers: [LayerSpec]
        var input: [Float]
        var labels: [Int]
        var losses: [Double]
        var weights: [[Float]]
    }
    var keras: String
    var cases: [Case]
    var train: Train

    static func load() throws -> KerasFixture {
        let url = try #require(Bundle.module.url(forResource: "keras", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(KerasFixture.self, from: Data(contentsOf: url))
    }
}

/// Gaussian blobs: `classes` well separated clusters in `width` dimensions, `perClass` rows each.
func blobs(classes: Int, perClass: Int, width: Int, spread: Float, seed: UInt64) throws -> Dataset {
    var rng = SplitMix64(seed: seed)
    var values: [Float] = [], labels: [Int] = []
    for _ in 0..<perClass {
        for c in 0..<classes {
            for j in 0..<width {
                let center: Float = (j % classes == c) ? 2 : -1
                // Sum of uniforms ≈ normal.
                let noise = (rng.unitFloat() + rng.unitFloat() + rng.unitFloat() - 1.5) * spread
                values.append(center + noise)
            }
            labels.append(c)
        }
    }
    return try Dataset(values: values, labels: labels, width: width)
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.path
    return "\(dir)/ser-learn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
}
