import Testing
import TestSupport
@testable import Tracker
import Wire

/// The transition log packs both endpoints' changes into tag bytes and
/// offsets; whatever goes in must read back exactly, for each endpoint, in
/// place or spilled onto the heap.
struct TransitionLogTests {
    static let base = Timestamp(nanosecondsSinceEpoch: 1_795_574_109_223_541_000)

    /// Appends `entries` and checks each endpoint's view after every one.
    static func checkRoundTrip(_ entries: [(Role, StateTransition)], base: Timestamp = base) {
        var log = TransitionLog()
        for (count, (role, transition)) in entries.enumerated() {
            log.append(transition, of: role, since: base)
            let sofar = entries.prefix(count + 1)
            for side in [Role.client, .server] {
                let expected = sofar.filter { $0.0 == side }.map(\.1)
                #expect(Array(log.transitions(of: side, since: base)) == expected, "\(side) after \(count + 1)")
                #expect(log.contains(side) == !expected.isEmpty)
                #expect(log.transitions(of: side, since: base).last == expected.last)
                #expect(log.lastTime(of: side, since: base) == expected.last?.time)
            }
        }
    }

    /// The loopback fixture's connection (Fixtures/golden/ipv4-loopback.json), in the order the tracker logs it.
    static let loopbackLifecycle: [(Role, StateTransition)] = {
        let microseconds: [(Role, Int64, TCPState)] = [
            (.client, 223_541, .synSent), (.server, 223_556, .synReceived), (.client, 223_582, .established),
            (.server, 223_582, .established), (.client, 374_604, .finWait1), (.client, 416_861, .finWait2),
            (.server, 416_861, .closeWait), (.server, 574_928, .lastAck), (.client, 574_949, .timeWait),
            (.server, 574_949, .closed),
        ]
        return microseconds.map { role, time, state in
            (role, StateTransition(time: Timestamp(nanosecondsSinceEpoch: 1_795_574_109_000_000_000 + time * 1_000),
                                   state: state))
        }
    }()

    @Test func aRealLifecycleReadsBack() {
        Self.checkRoundTrip(Self.loopbackLifecycle)
    }

    /// Ten changes at microsecond times, four at the moment of the one
    /// before: by hand, 1 (SYN_SENT, at the base) + 2 + 2 (15 and 41 µs:
    /// one offset byte) + 1 + 4 + 4 (151 and 193 ms: three) + 1 + 4 + 4 +
    /// 1 = 24 bytes, which stay in place.
    @Test func aRealLifecycleFitsInPlace() {
        var log = TransitionLog()
        for (role, transition) in Self.loopbackLifecycle { log.append(transition, of: role, since: Self.base) }
        #expect(log.byteCount == 24)
        #expect(log.byteCount <= TransitionLog.inlineCapacity)
    }

    @Test func everyStateReadsBack() {
        Self.checkRoundTrip(TCPState.allCases.enumerated().flatMap { index, state in
            [Role.client, .server].map { ($0, StateTransition(time: Self.base + Int64(index) * 7, state: state)) }
        })
    }

    @Test func assumedAndInferredChangesKeepTheirMarks() {
        let time = Self.base + 5
        Self.checkRoundTrip([
            (.client, StateTransition(time: time, state: .established, inferred: true, assumed: true)),
            (.server, StateTransition(time: time, state: .established, inferred: true, assumed: true)),
            (.server, StateTransition(time: time + 1_000, state: .closeWait, inferred: true)),
            (.client, StateTransition(time: time + 1_000, state: .finWait1)),
        ])
    }

    /// Times before the base (capture time running backwards), far after it,
    /// at both ends of Int64, and long runs of one time, spilling on the heap.
    @Test func anyTimeReadsBackAcrossTheSpill() {
        var generator = SeededGenerator(seed: 3)
        let times: [Int64] = [0, -1, 1, 999, 1_000, -1_000, 86_400_000_000_000, .min, .max]
        var entries: [(Role, StateTransition)] = []
        for index in 0..<200 {
            let offset = index % 3 == 0 ? times[index % times.count]
                : Int64.random(in: -1_000_000_000...60_000_000_000, using: &generator) / (index % 2 == 0 ? 1 : 1_000) * 1_000
            let time = index % 5 == 4 ? entries[entries.count - 1].1.time : Self.base + offset
            let state = TCPState.allCases.randomElement(using: &generator)!
            entries.append((Bool.random(using: &generator) ? .client : .server,
                            StateTransition(time: time, state: state, inferred: Bool.random(using: &generator))))
        }
        Self.checkRoundTrip(entries)
    }

    /// Past the 65,535 bytes whose positions the log can name, every entry
    /// carries its own time, and all still read back.
    @Test func aHostileLengthStillReadsBack() {
        var log = TransitionLog()
        var expected: [StateTransition] = []
        for index in 0..<30_000 {
            let transition = StateTransition(time: Self.base + Int64(index / 2) * 1_000_003, state: .established)
            log.append(transition, of: .client, since: Self.base)
            expected.append(transition)
        }
        #expect(log.byteCount > 65_535)
        #expect(Array(log.transitions(of: .client, since: Self.base)) == expected)
        #expect(log.transitions(of: .server, since: Self.base).isEmpty)
    }

    @Test func endpointViewsCompareByContents() {
        var first = TransitionLog(), second = TransitionLog()
        #expect(first.transitions(of: .client, since: Self.base) == second.transitions(of: .client, since: Self.base))
        first.append(StateTransition(time: Self.base + 1, state: .synSent), of: .client, since: Self.base)
        second.append(StateTransition(time: Self.base + 1, state: .synSent, inferred: true), of: .client, since: Self.base)
        #expect(first.transitions(of: .client, since: Self.base) != second.transitions(of: .client, since: Self.base))
        #expect(first.transitions(of: .server, since: Self.base) == second.transitions(of: .server, since: Self.base))
    }
}
