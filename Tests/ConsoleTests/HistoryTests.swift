import Foundation
import Testing
@testable import Console

@Suite struct HistoryTests {
    @Test func addSaveLoadRoundTrips() throws {
        let path = NSTemporaryDirectory() + "ser-history-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = ["emovo = demo emovo", "show emovo", #"plot mel emovo["f1/rab-f1-b1.wav"] to "mel.png""#]
        let history = History()
        for line in lines { history.add(line) }
        history.add(lines[2])   // consecutive duplicate: kept once
        #expect(history.entries == lines)
        #expect(history.count == 3)
        try history.save(to: path)

        let loaded = History()
        try loaded.load(from: path)
        #expect(loaded.entries == lines)
    }

    @Test func capacityDropsOldest() {
        let history = History(capacity: 2)
        for line in ["a", "b", "c"] { history.add(line) }
        #expect(history.entries == ["b", "c"])
    }

    @Test func loadingMissingFileFails() {
        #expect(throws: History.Failure.self) { try History().load(from: "/nonexistent/ser_history") }
    }
}
