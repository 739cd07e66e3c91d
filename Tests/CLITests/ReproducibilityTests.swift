import Foundation
import Language
import Testing

/// The reproducibility guarantee (docs/parity-and-benchmarks.md), checked against golden values: the small demo EMOVO
/// corpus → its feature table → a seeded 3-epoch training of the study's cnn1d → its weights and test confusion
/// matrix. The golden values were made on an Intel Xeon (Sapphire/Emerald Rapids, AVX-512); every x86-64 machine
/// with AVX2 and FMA must give the same. Training also runs under other GEMM kernels (`SER_GEMM_KERNEL`) and
/// other OpenBLAS core types (`OPENBLAS_CORETYPE`, which no longer matters: ser does not use OpenBLAS) and must
/// not change a bit.
///
/// When a change to ser is meant to change these numbers (another feature recipe, another model default,
/// another arithmetic), update the golden values below in the same commit, say why in its message, and
/// regenerate the committed figures (`make demo`).
@Suite(.serialized) struct ReproducibilityTests {
    static let featuresSHA256 = "75e342cd6a96f230e79fcf749a442639f216d04a7cad2c9c2235bb7439aef667"
    static let weightsSHA256 = [
        "1": "34ad9bbf27137a627afd19a33408321a556090a7a83dae919b517596737fecac",
        "2": "e0248464129df1ba1a5368605e8f110cc489459350b63b0799c8dea4063e2a1c",
    ]
    /// Row-major; rows: true anger, disgust, fear, happiness, neutral, sadness, surprise; columns: predicted, same order
    /// (39 training rows and 3 epochs teach little: the point is that every machine gets exactly this).
    static let confusion: [Int] = [
        1, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 2,
        1, 0, 0, 0, 0, 0, 0,
        2, 0, 0, 0, 0, 0, 1,
        1, 0, 0, 0, 0, 0, 0,
    ]

    struct Training: Decodable {
        var weights_sha256: String
        var confusion: [Int]
        var classes: [String]
    }

    func train(_ prefix: String, threads: String, environment: [String: String] = [:]) throws -> Training {
        let run = try CLITests.ser(["train", "--features", prefix, "--label", "emotion", "--epochs", "3", "--patience", "0",
                                    "--seed", "1", "--threads", threads, "--json"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let last = try #require(run.stdout.split(separator: "\n").last)
        return try JSONDecoder().decode(Training.self, from: Data(last.utf8))
    }

    @Test func demoFeaturesAndTrainingMatchTheGoldenValuesOnEveryKernel() throws {
        let folder = CLITests.work + "/golden"
        let demo = try CLITests.ser(["demo", "emovo", "--size", "small", "--seed", "3", "--out", folder + "/emovo"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let prefix = folder + "/features"
        let features = try CLITests.ser(["features", folder + "/emovo", "--out", prefix, "--threads", "2"])
        #expect(features.status == 0, "\(features.stderr)")
        let table = try Data(contentsOf: URL(fileURLWithPath: prefix + ".npy"))
        let featuresHash = ContentHash(of: [UInt8](table)).hex
        #expect(featuresHash == Self.featuresSHA256, "feature table of the small demo EMOVO corpus: sha256 \(featuresHash)")

        for threads in ["1", "2"] {
            let reference = try train(prefix, threads: threads)
            #expect(reference.weights_sha256 == Self.weightsSHA256[threads],
                    "--threads \(threads): weights sha256 \(reference.weights_sha256)")
            if threads == "1" {
                #expect(reference.confusion == Self.confusion, "test confusion matrix \(reference.confusion) (\(reference.classes))")
            }
            // Other kernels and OpenBLAS core types: not a bit changes.
            let variants: [[String: String]] = threads == "1"
                ? [["SER_GEMM_KERNEL": "avx2"], ["OPENBLAS_CORETYPE": "Sandybridge"], ["OPENBLAS_CORETYPE": "Haswell"]]
                : [["SER_GEMM_KERNEL": "avx2"]]
            for environment in variants {
                let other = try train(prefix, threads: threads, environment: environment)
                #expect(other.weights_sha256 == reference.weights_sha256, "--threads \(threads), \(environment)")
                #expect(other.confusion == reference.confusion, "--threads \(threads), \(environment)")
            }
        }
    }
}
