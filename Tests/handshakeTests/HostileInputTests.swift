import Foundation
import Testing

/// Inputs built to hurt (issue 31's probe): each once trapped, hung, grew
/// without bound or lost data silently. Expectations come from what the
/// docs promise (Docs/DESIGN.md, the README's exit-code table).
struct HostileInputTests {
    /// One connection whose every packet came under another MPLS label
    /// once grew its path a layer a packet and interned every step: 12,000
    /// packets took 18.7 s and 4.5 GB. Now the record names the first
    /// eight layers and counts the rest, in time linear in the packets.
    @Test func aConnectionUnderEverChangingLabelsStaysSmall() throws {
        let path = try CommandLineTests.temporary(HostileCaptures.connectionUnderChangingLabels(count: 12_000))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let start = ContinuousClock.now
        let outcome = try CommandLineTests.handshake(["-r", path, "--format", "json"])
        let elapsed = ContinuousClock.now - start
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let record = try #require(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(record["encapsulation"] as? [String] == (16..<24).map { "mpls label \($0)" })
        #expect(record["encapsulation_unlisted_segments"] as? Int == 12_000 - 8)
        // A debug build; it took minutes before.
        #expect(elapsed < .seconds(5), "\(elapsed)")
        for format in ["zeek", "summary", "table"] {
            #expect(try CommandLineTests.handshake(["-r", path, "--format", format, "-j", "2"]).status == 0)
        }
    }

    /// The count travels through `merge` as it was written.
    @Test func mergeReadsTheUnlistedCountBack() throws {
        let path = try CommandLineTests.temporary(HostileCaptures.connectionUnderChangingLabels(count: 20))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = try CommandLineTests.handshake(["-r", path, "--format", "json"]).stdout
        let records = try CommandLineTests.temporary(Data(json.utf8))
        defer { try? FileManager.default.removeItem(atPath: records) }
        let merged = try CommandLineTests.handshake(["merge", "--format", "json", records])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == json)
        #expect(json.contains("\"encapsulation_unlisted_segments\":12}"))
    }
}
