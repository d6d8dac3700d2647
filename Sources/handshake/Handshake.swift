import ArgumentParser
import Foundation
import Pipeline

@main
struct Handshake: ParsableCommand {
    /// ArgumentParser's own `main`, but its messages on stderr go through
    /// `Diagnostics`, so a control character in an argument is escaped.
    /// The message's own lines stay lines; a line break inside a value the
    /// message quotes is escaped first (`--where`'s, `-d`'s, `-rFILE`'s).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = unknownOptionMessage(instead: error) ?? fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                var quoted = message
                let values = CommandLine.arguments.dropFirst().flatMap { argument in
                    [argument, String(argument.drop { $0 != "=" }.dropFirst()), String(argument.dropFirst(2))]
                }
                for value in Set(values).sorted(by: { $0.count > $1.count }) where value.contains("\n") {
                    quoted = quoted.replacingOccurrences(of: value, with: Diagnostics.escaped(value))
                }
                Diagnostics.sayUsage(quoted)
            }
            Foundation.exit(code.rawValue)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Label every TCP connection's lifecycle, for both endpoints, from a capture or a live interface.",
        discussion: Self.whatItDoes + """


            Examples:
              handshake -r capture.pcap
              handshake -r capture.pcapng --format ladder port 443
              handshake -i eth0 --format json 'tcp port 5432' > connections.ndjson
              tcpdump -i eth0 -w - | handshake -r - --format summary
              handshake check -r ci.pcap --fail-on refused,reset --max-handshake-rtt 50ms

            tcpdump's flags that mean the same here are accepted: -r, -i, -c, -w, -s, -B (values joined or \
            apart: -rFILE), -n/-nn (no effect: nothing is resolved), -v, -D, and a trailing filter. Those that \
            print packets (-x, -X, -A, -e) are answered with what to use instead (--format segments); others (-t, \
            -q, -l) are not taken: handshake prints connections, not packets.

            'handshake help analyze', 'handshake help check' and 'handshake help merge' list every option.
            """,
        version: Self.version,
        subcommands: [Analyze.self, Check.self, Merge.self],
        defaultSubcommand: Analyze.self
    )

    /// ArgumentParser checks a command's values before it reports an
    /// unknown option, so `handshake --frobnicate` said "give either -r FILE
    /// or -i INTERFACE". Where the input is all that is missing, parsing
    /// again with one given tells whether an option was unknown, and that
    /// is the mistake to name.
    private static func unknownOptionMessage(instead error: Error) -> String? {
        guard fullMessage(for: error).contains(CaptureOptions.missingInput) else { return nil }
        do {
            _ = try parseAsRoot(Array(CommandLine.arguments.dropFirst()) + ["-r", "-"])
        } catch {
            let message = fullMessage(for: error)
            if message.hasPrefix("Error: Unknown option") { return message }
        }
        return nil
    }

    /// `handshake --version`.
    static let version = "handshake 0.22.0"

    /// The opening of the help text, shared with `handshake help analyze`.
    static let whatItDoes = """
        Reads packets like tcpdump (-r FILE, -i IFACE, -c N, a trailing BPF filter) and follows every TCP \
        connection through both endpoints' RFC 9293 states: SYN_SENT, SYN_RECEIVED, ESTABLISHED, \
        FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED.
        """
}
