import TestSupport
import Foundation
import Testing
import Tracker

/// For every recorded fixture, handshake's reading of the capture agrees
/// with `<name>.expected.json`: the transitions RFC 9293 gives for what the
/// scenario did, and the final states the endpoints' own kernels reported
/// (`ss -tanH`, taken by Fixtures/record just before the capture stopped).
struct KernelAgreementTests {
    struct Expectation: Decodable {
        struct Connection: Decodable {
            var client: String
            var server: String
            var initiator_known: Bool
            var handshake: String
            var close: String
            var client_states: [String]
            var server_states: [String]
            var client_final: String?
            var server_final: String?
            var finals_from: String
            var inferred: [String: [String]]
            var syn_retransmissions: Int
        }
        var capture: String
        var connections: [Connection]
    }

    static let expectationFiles: [String] = (try? FileManager.default.contentsOfDirectory(atPath: FixtureFiles.directory.path))?
        .filter { $0.hasSuffix(".expected.json") }.sorted() ?? []

    @Test func everyScenarioIsRecorded() {
        #expect(Self.expectationFiles.count == 29)
    }

    @Test(arguments: expectationFiles)
    func trackerAgreesWithTheKernel(expectationFile: String) throws {
        let data = try Data(contentsOf: FixtureFiles.directory.appendingPathComponent(expectationFile))
        let expectation = try JSONDecoder().decode(Expectation.self, from: data)
        let records = try FixtureTracking.records(FixtureFiles.path(expectation.capture))
        #expect(records.count == expectation.connections.count, "connections in \(expectation.capture)")

        var unmatched = records
        for expected in expectation.connections {
            let index = try #require(unmatched.firstIndex {
                $0.client.description == expected.client && $0.server.description == expected.server
            }, "no connection \(expected.client) → \(expected.server) in \(expectation.capture)")
            let record = unmatched.remove(at: index)
            let context = "\(expectation.capture) \(expected.client) → \(expected.server)"
            #expect(record.clientTransitions.map(\.state.rawValue) == expected.client_states, "\(context) client")
            #expect(record.serverTransitions.map(\.state.rawValue) == expected.server_states, "\(context) server")
            #expect(record.clientState?.rawValue == expected.client_final, "\(context) client final")
            #expect(record.serverState?.rawValue == expected.server_final, "\(context) server final")
            #expect(record.initiatorKnown == expected.initiator_known, "\(context)")
            #expect(record.handshake.rawValue == expected.handshake, "\(context)")
            #expect(record.close.rawValue == expected.close, "\(context)")
            #expect(record.synRetransmissions == expected.syn_retransmissions, "\(context)")
            let inferred = { (transitions: EndpointTransitions) in
                transitions.filter { $0.inferred && !$0.assumed }.map(\.state.rawValue)
            }
            #expect(inferred(record.clientTransitions) == expected.inferred["client"] ?? [], "\(context) inferred")
            #expect(inferred(record.serverTransitions) == expected.inferred["server"] ?? [], "\(context) inferred")
        }
    }
}
