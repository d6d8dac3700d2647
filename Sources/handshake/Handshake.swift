import ArgumentParser

@main
struct Handshake: ParsableCommand {
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
            apart: -rFILE), -n/-nn (no effect: nothing is resolved), -v, -D, and a trailing filter. Others (-e, \
            -X, -A, -t, -q, -l) are not: handshake prints connections, not packets.

            'handshake help analyze', 'handshake help check' and 'handshake help merge' list every option.
            """,
        version: Self.version,
        subcommands: [Analyze.self, Check.self, Merge.self],
        defaultSubcommand: Analyze.self
    )

    /// `handshake --version`.
    static let version = "handshake 0.22.0"

    /// The opening of the help text, shared with `handshake help analyze`.
    static let whatItDoes = """
        Reads packets like tcpdump (-r FILE, -i IFACE, -c N, a trailing BPF filter) and follows every TCP \
        connection through both endpoints' RFC 9293 states: SYN_SENT, SYN_RECEIVED, ESTABLISHED, \
        FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED.
        """
}
