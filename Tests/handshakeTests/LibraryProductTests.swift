import Foundation
import Testing

/// handshake's library products as other packages use them: by version,
/// from a remote git URL.
struct LibraryProductTests {
    static let root = CommandLineTests.fixtures.deletingLastPathComponent()

    struct Manifest: Decodable {
        struct Product: Decodable {
            var name: String
            var targets: [String]
            var type: [String: AnyCodable?]
        }
        struct Target: Decodable {
            var name: String
            var dependencies: [[String: [String?]]]
            var settings: [Setting]?
        }
        struct Setting: Decodable {
            var kind: [String: AnyCodable]
        }
        var products: [Product]
        var targets: [Target]
    }

    /// Decodes any JSON value and ignores it: only the keys around it matter here.
    struct AnyCodable: Decodable {
        init(from decoder: Decoder) throws {}
    }

    /// SwiftPM refuses a versioned dependency whose product targets carry
    /// unsafe flags when the manifest's tools version is below 6.2, and
    /// skips the check from 6.2 on; either way none may carry them, so the
    /// products build the same for every user. Read from
    /// `swift package dump-package`.
    @Test func libraryProductsCarryNoUnsafeFlags() throws {
        // A scratch path of its own: the running `swift test` holds the lock on .build.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (status, output) = try ScriptRunner.run("/usr/bin/env", ["swift", "package", "--package-path", Self.root.path,
                                                                     "--scratch-path", scratch.path, "dump-package"])
        #expect(status == 0)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(output.utf8))
        let libraries = manifest.products.filter { $0.type["library"] != nil }
        #expect(libraries.map(\.name) == ["Wire", "Capture", "Tracker"])
        let targets = Dictionary(uniqueKeysWithValues: manifest.targets.map { ($0.name, $0) })
        var closure = Set<String>()
        var pending = libraries.flatMap(\.targets)
        while let name = pending.popLast() {
            guard closure.insert(name).inserted, let target = targets[name] else { continue }
            pending += target.dependencies.flatMap { $0.values.compactMap { $0.first ?? nil } }
        }
        #expect(closure == ["Wire", "Capture", "Tracker", "CPcap", "CMemoryHints"])
        for name in closure {
            let unsafe = targets[name]?.settings?.filter { $0.kind["unsafeFlags"] != nil } ?? []
            #expect(unsafe.isEmpty, "\(name) carries unsafe flags")
        }
    }

    /// Examples/library-consumer depends on the products as version 1.0.0 of
    /// https://handshake.invalid/handshake.git (a tagged copy of this
    /// checkout), builds, and tracks a fixture with them. The states are
    /// the kernel's own (Fixtures/ipv4-loopback.kernel.json).
    @Test func aPackageTracksAFixtureWithTheProducts() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("consumer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let (status, output) = try ScriptRunner.run(
            Self.root.appendingPathComponent("Examples/library-consumer/run").path,
            [CommandLineTests.fixtures.appendingPathComponent("ipv4-loopback.pcap").path, work.path])
        #expect(status == 0, "\(output)")
        let expected = "127.0.0.1.57766 → 127.0.0.1.8080: client SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT; "
            + "server SYN_RECEIVED ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"
        #expect(output.split(separator: "\n").last.map(String.init) == expected)
    }
}
