import Audio
@testable import Corpus
import Foundation
import Support
import Testing

private func md5ish(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

@Suite(.serialized) struct DemoTests {
    @Test func plannedSizes() throws {
        #expect(try DemoCorpus.fileCount(.emovo, size: .full) == 588)
        #expect(try DemoCorpus.fileCount(.emovo, size: .small) == 42)
        #expect(try DemoCorpus.fileCount(.ravdess, size: .full) == 1440)
        #expect(try DemoCorpus.fileCount(.ravdess, size: .small) == 60)
        #expect(try DemoCorpus.fileCount(.cremad, size: .full) == 1968)
        #expect(try DemoCorpus.fileCount(.cremad, size: .small) == 56)
        #expect(throws: CorpusError.self) { try DemoCorpus.fileCount(.folders, size: .small) }
    }

    @Test func smallEmovoHasTheLayoutAndIsReproducible() throws {
        let a = try Tree([]), b = try Tree([])
        let corpus = try DemoCorpus.synthesize(.emovo, into: a.root, seed: 7, size: .small)
        #expect(corpus.layout == .emovo)
        #expect(corpus.files.count == 42)
        #expect(corpus.problems.isEmpty && corpus.warnings.isEmpty)
        #expect(corpus.isSyntheticDemo)
        #expect(corpus.speakers == ["f1", "m1"])
        #expect(corpus.summary.count(emotion: "anger", speaker: "m1") == 3)
        // Detection reads it back as EMOVO.
        #expect(try Corpus.detect(a.root) == .emovo)
        // The marker says plainly what it is.
        let marker = try String(contentsOfFile: a.root + "/SER-DEMO.txt", encoding: .utf8)
        #expect(marker.hasPrefix("SYNTHETIC demo corpus"))

        let audio = try Audio.load(a.root + "/f1/rab-f1-b1.wav", sampleRate: 22050)
        #expect(audio.duration > 1 && audio.duration < 6)
        #expect(audio.samples.map(abs).max()! > 0.05)

        // Same seed → byte-identical files, also with one worker instead of two.
        try DemoCorpus.synthesize(.emovo, into: b.root, seed: 7, size: .small, jobs: 1)
        for f in corpus.files {
            #expect(try md5ish(f.path) == md5ish(b.root + "/" + f.relativePath), "\(f.relativePath) differs")
        }
        // Another seed → another file (just one made, to keep the test quick).
        let plan = try DemoPlan.make(.emovo, size: .small, seed: 8)
        let one = try #require(plan.utterances.first { $0.relativePath == "f1/rab-f1-b1.wav" })
        try DemoCorpus.make(one, folder: b.root, seed: 8, worker: 0)
        #expect(try md5ish(a.root + "/f1/rab-f1-b1.wav") != md5ish(b.root + "/f1/rab-f1-b1.wav"))

        // Anger is louder than sadness for the same speakers and sentences (mean RMS over the small set).
        func rms(_ emotion: String) throws -> Float {
            var total: Float = 0
            let files = corpus.files.filter { $0.emotion == emotion }
            for f in files {
                let s = try Audio.load(f.path, sampleRate: 22050).samples
                total += (s.reduce(0) { $0 + $1 * $1 } / Float(s.count)).squareRoot()
            }
            return total / Float(files.count)
        }
        #expect(try rms("anger") > 1.5 * rms("sadness"))
    }

    @Test func smallRavdessAndCremadLayouts() throws {
        let r = try Tree([]), c = try Tree([])
        let ravdess = try DemoCorpus.synthesize(.ravdess, into: r.root, size: .small)
        #expect(ravdess.layout == .ravdess)
        #expect(ravdess.files.count == 52)  // 60 minus 8 calm, dropped by default
        #expect(ravdess.problems.isEmpty)
        #expect(Set(ravdess.files.map(\.gender)) == ["male", "female"])
        #expect(try Corpus.load(r.root, calm: .neutral).files.count == 60)
        let cremad = try DemoCorpus.synthesize(.cremad, into: c.root, size: .small)
        #expect(cremad.layout == .cremad)
        #expect(cremad.files.count == 56)
        #expect(cremad.warnings.isEmpty)  // demographics written, all six classes present
        #expect(cremad.files.allSatisfy { !$0.gender.isEmpty })
        #expect(cremad["AudioWAV/1001_IEO_ANG_HI.wav"]?.intensity == "high")
    }

    @Test func refusesAFolderOfOtherFiles() throws {
        let t = try Tree(["precious/data.wav"])
        #expect { try DemoCorpus.synthesize(.emovo, into: t.root, size: .small) } throws: { error in
            (error as? CorpusError)?.code == .badParameter && "\(error)".contains("is not a demo corpus")
        }
        #expect(FileManager.default.fileExists(atPath: t.root + "/precious/data.wav"))
        #expect { try DemoCorpus.readOrSynthesize(.emovo, into: t.root + "/precious/data.wav", size: .small) } throws: { error in
            (error as? CorpusError)?.code == .badParameter && "\(error)".contains("is a file; give a folder")
        }
    }

    /// Two runs asking for the same demo folder at once (as two notebooks of one `make test` do): one makes it,
    /// the other waits and reads it back — never "not a demo corpus" from seeing it half made. A folder left
    /// incomplete (a file gone, as after a run stopped half-way) is completed by the next run.
    @Test func concurrentRunsTakeTurnsAndAnIncompleteFolderIsCompleted() throws {
        let t = try Tree([])
        let folder = t.root + "/demo"
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var list: [(Int, Bool)?] = [nil, nil]
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let got = try? DemoCorpus.readOrSynthesize(.emovo, into: folder, seed: 3, size: .small, jobs: 1)
            outcomes.lock.withLock { outcomes.list[i] = got.map { ($0.corpus.files.count, $0.made) } }
        }
        #expect(outcomes.list.compactMap { $0?.0 } == [42, 42])
        #expect(outcomes.list.compactMap { $0?.1 }.sorted { !$0 && $1 } == [false, true], "one made it, one read it back")

        unlink(folder + "/f1/rab-f1-b1.wav")
        #expect(!DemoCorpus.isComplete(folder, layout: .emovo, size: .small, seed: 3))
        let again = try DemoCorpus.readOrSynthesize(.emovo, into: folder, seed: 3, size: .small)
        #expect(again.made && again.corpus.files.count == 42)
        #expect(DemoCorpus.isComplete(folder, layout: .emovo, size: .small, seed: 3))
        #expect(try DemoCorpus.readOrSynthesize(.emovo, into: folder, seed: 3, size: .small).made == false)
    }
}
