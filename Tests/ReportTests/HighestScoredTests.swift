@testable import Report
import TestSupport
import Testing

/// Which ladders the HTML report keeps (`--html-detail`): the same choice
/// the scan it replaced made, at a cost that no longer grows with the
/// limit times the connections (issue 31: 150 s for 1M connections at 100,000).
struct HighestScoredTests {
    /// The scan it replaced, as the oracle: when full, the weakest kept
    /// (the earliest of equals) gives way to a strictly higher score.
    static func scanned(_ scores: [Int], limit: Int) -> [Int] {
        var kept: [(score: Int, index: Int)] = []
        for (index, score) in scores.enumerated() {
            if kept.count >= limit {
                guard let weakest = kept.indices.min(by: { kept[$0].score < kept[$1].score }),
                      kept[weakest].score < score else { continue }
                kept.remove(at: weakest)
            }
            kept.append((score, index))
        }
        return kept.map(\.index).sorted()
    }

    @Test(arguments: [0, 1, 7, 100])
    func keepsWhatTheScanKept(limit: Int) {
        var generator = SeededGenerator(seed: 31)
        // Few distinct scores, so ties decide most of it, as failures times 1,000 do.
        let scores = (0..<2_000).map { _ in Int.random(in: 0...4, using: &generator) * 1_000 }
        var selection = HighestScored<Int>(limit: limit)
        for (index, score) in scores.enumerated() { selection.offer(index, score: score) }
        #expect(selection.items.sorted() == Self.scanned(scores, limit: limit))
    }

    /// A hundred times the limit costs a few times as much, not a hundred
    /// (the scan: O(limit) an offer). Timed against itself, so a slow
    /// machine or a sanitizer slows both sides alike (ThreadSanitizer's
    /// shadow memory made the larger heap 13 times slower; the scan was a hundred).
    @Test func aLargeLimitCostsLittle() {
        func offers(limit: Int) -> (Duration, HighestScored<Int>) {
            var selection = HighestScored<Int>(limit: limit)
            let start = ContinuousClock.now
            for index in 0..<200_000 { selection.offer(index, score: index % 1_000) }
            return (ContinuousClock.now - start, selection)
        }
        let (small, _) = offers(limit: 200)
        let (large, selection) = offers(limit: 20_000)
        #expect(large < small * 40, "\(large) against \(small)")
        #expect(selection.items.count == 20_000)
        #expect(selection.items.allSatisfy { $0 % 1_000 >= 900 })
    }
}
