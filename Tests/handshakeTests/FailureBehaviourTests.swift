import Foundation
import Testing

/// What the tool does when things break under it: a damaged file, a full
/// disk, a stop signal mid-capture, an interface that disappears. Each
/// ends with a clear error or a clean file, and nothing seen is lost.
struct FailureBehaviourTests {
    /// Every connection decoded before the damage is still reported, then the error.
    @Test func damagedFileReportsWhatCameBefore() throws {
        let original = try Data(contentsOf: CommandLineTests.fixtures.appendingPathComponent("port-reuse.pcap"))
        let path = try CommandLineTests.temporary(original.prefix(original.count - 30))
        let outcome = try CommandLineTests.handshake(["-r", path, "--format", "json"])
        #expect(outcome.status == 5)
        let records = outcome.stdout.split(separator: "\n")
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.hasPrefix("{\"id\":") && $0.hasSuffix("}") })
        #expect(outcome.stderr.hasPrefix("handshake: \(path) is truncated: it ends inside a record at byte "))
    }

    /// Before: exit 5, "record timestamp fraction 1500000 is out of range", and
    /// nothing after that record was read.
    @Test func aBadTimestampFractionIsCarriedAndSaid() throws {
        var bytes = [UInt8](try Data(contentsOf: CommandLineTests.fixtures.appendingPathComponent("busy.pcap")))
        bytes[28..<32] = [0x60, 0xE3, 0x16, 0x00] // 1,500,000 µs in the first record
        let path = try CommandLineTests.temporary(Data(bytes))
        let outcome = try CommandLineTests.handshake(["-r", path, "--format", "json"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.split(separator: "\n").count == 100)
        #expect(outcome.stderr == "handshake: \(path): 1 record had a timestamp fraction of a second or more, "
                + "carried into the seconds\n")
    }

    /// Before: the first file was read and reported, then the run failed on the second.
    @Test func aMissingInputFailsBeforeAnyIsRead() throws {
        let outcome = try CommandLineTests.handshake(["-r", "refused.pcap", "-r", "/nonexistent.pcap", "-r", "busy.pcap",
                                                      "--format", "json"])
        #expect(outcome.status == 3)
        #expect(outcome.stdout == "")
        #expect(outcome.stderr == "handshake: cannot open /nonexistent.pcap: No such file or directory\n")
    }

    /// Before: no -w file at all when no packet passed the filter; tcpdump
    /// writes an empty capture, which scripts then read.
    @Test func nothingPassingStillWritesAnEmptyCapture() throws {
        let path = try CommandLineTests.temporary(Data())
        try FileManager.default.removeItem(atPath: path)
        let outcome = try CommandLineTests.handshake(["-r", "busy.pcap", "-w", path, "--format", "json", "port 1"])
        #expect(outcome.status == 0)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count == 24)
        #expect(written.prefix(4) == Data([0x4D, 0x3C, 0xB2, 0xA1]))
        #expect(written.suffix(4) == Data([1, 0, 0, 0]))
    }

    /// Before: -w stopped the run at the first packet of a second link type
    /// (dumpcap on lo and any). Each further link type gets a file of its
    /// own beside the -w file, and stderr says which.
    @Test func mixedLinkTypesGoToOneFileEach() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.pcap").path
        let outcome = try CommandLineTests.handshake(["-r", "pcapng-two-link-types.pcapng", "-w", path, "--format", "table"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.split(separator: "\n").count == 3)
        let other = directory.appendingPathComponent("out.LINUX_SLL.pcap").path
        #expect(outcome.stderr == "handshake: packets of link type LINUX_SLL (Linux cooked v1) go to \(other): "
                + "a pcap file holds one link type\n")
        for (file, port) in [(path, "7000"), (other, "7001")] {
            let reread = try CommandLineTests.handshake(["-r", file, "--format", "table"])
            #expect(reread.stdout.split(separator: "\n").count == 2)
            #expect(reread.stdout.contains(".\(port) "))
        }
    }

    /// Before: `-r X -w X` truncated X while reading it, then called it truncated.
    @Test func writingOntoAnInputIsRefused() throws {
        let original = try Data(contentsOf: CommandLineTests.fixtures.appendingPathComponent("busy.pcap"))
        let path = try CommandLineTests.temporary(original)
        let link = path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        defer { try? FileManager.default.removeItem(atPath: link) }
        for input in [path, link] {
            let outcome = try CommandLineTests.handshake(["-r", input, "-w", path, "--format", "json"])
            #expect(outcome.status == 11)
            #expect(outcome.stdout == "")
            #expect(outcome.stderr == "handshake: writing \(path): it is also an input file (\(input)); "
                    + "-w would overwrite it while it is read\n")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
        }
    }
}

/// Standard output that cannot be written is an error with its own exit
/// code, for every format and for `check`; a closed pipe stays a quiet end.
struct OutputFailureTests {
    static let handshake = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("handshake").path

    /// Before: `> /dev/full` exited 0 with nothing written.
    @Test(arguments: [["--format", "json"], ["--format", "zeek"], ["--format", "segments"], ["--format", "summary"],
                      ["check", "--fail-on", "reset"]])
    func aFullDeviceFailsWithExitEleven(arguments: [String]) throws {
        let capture = CommandLineTests.fixtures.appendingPathComponent("busy.pcap").path
        let command = (arguments.first == "check" ? ["check", "-r", capture] + arguments.dropFirst()
                       : ["-r", capture] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let (status, output) = try ScriptRunner.run("/bin/bash", ["-c", "\"$HANDSHAKE\" \(command) 2>&1 >/dev/full; echo \"exit $?\""],
                                                    environment: ["HANDSHAKE": Self.handshake])
        #expect(status == 0)
        #expect(output == "handshake: writing standard output: No space left on device\nexit 11\n")
    }

    @Test func aClosedPipeIsAQuietEnd() throws {
        let capture = CommandLineTests.fixtures.appendingPathComponent("busy.pcap").path
        let (_, output) = try ScriptRunner.run("/bin/bash", ["-c", "\"$HANDSHAKE\" -r '\(capture)' --format json 2>&1 | head -c 10; "
                                                              + "echo; echo \"exit ${PIPESTATUS[0]}\""],
                                               environment: ["HANDSHAKE": Self.handshake])
        #expect(output == "{\"id\":3567\nexit 0\n")
    }
}

/// The same, where it takes root: mounts, signals to a live capture, interfaces.
@Suite(.enabled(if: getuid() == 0, "needs root to mount a tmpfs and capture in a network namespace"))
struct RootFailureBehaviourTests {
    static let handshake = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("handshake").path

    func bash(_ script: String) throws -> (status: Int32, output: String) {
        try ScriptRunner.run("/bin/bash", ["-c", script], environment: ["HANDSHAKE": Self.handshake,
                                                                       "FIXTURES": CommandLineTests.fixtures.path])
    }

    /// A full disk: exit 11 with the reason, and the -w file cut back to
    /// the last good flush, so it is still a valid capture.
    @Test func fullDiskLeavesAValidFile() throws {
        let (status, output) = try bash("""
            dir=$(mktemp -d); trap 'umount "$dir"; rmdir "$dir"' EXIT
            mount -t tmpfs -o size=100k tmpfs "$dir"
            "$HANDSHAKE" -r "$FIXTURES/busy.pcap" --format summary -w "$dir/out.pcap" > /dev/null 2> "$dir/../err.$$"
            echo "status $?"; cat "$dir/../err.$$"; rm -f "$dir/../err.$$"
            "$HANDSHAKE" -r "$dir/out.pcap" --format segments > /dev/null && echo "reread ok"
            """)
        #expect(status == 0)
        #expect(output.contains("status 11\n"))
        #expect(output.contains("No space left on device; the file keeps the 65646 bytes written before"))
        #expect(output.contains("reread ok"))
    }

    /// SIGTERM to a live capture: the -w file holds every packet captured and
    /// reads back cleanly; the open connection is reported.
    @Test func stopSignalLeavesACompleteFile() throws {
        let (status, output) = try bash("""
            ns=hs-term-$$; out=$(mktemp -d); trap 'ip netns pids $ns | xargs -r kill; ip netns del $ns; rm -rf $out' EXIT
            ip netns add $ns; ip -n $ns link set lo up
            ip netns exec $ns "$HANDSHAKE" -i lo --format json -w $out/live.pcap > $out/records 2> $out/err &
            tool=$!; sleep 1
            ip netns exec $ns python3 -c '
            import socket
            server = socket.socket(); server.bind(("127.0.0.1", 9100)); server.listen()
            client = socket.create_connection(("127.0.0.1", 9100)); peer, _ = server.accept()
            client.sendall(b"x" * 10); peer.recv(10)'
            sleep 0.5; kill -TERM $tool; wait $tool; echo "status $?"
            captured=$(grep -o '[0-9]* packets captured' $out/err | grep -o '^[0-9]*')
            echo "captured $captured, in the file $("$HANDSHAKE" -r $out/live.pcap --format segments | wc -l)"
            head -c 80 $out/records; echo
            """)
        #expect(status == 0)
        #expect(output.contains("status 0\n"))
        // The connection opens, sends 10 bytes and closes: 8 segments, every one in the file.
        #expect(output.contains("captured 8, in the file 8\n"))
        #expect(output.contains(",\"ip_version\":4,\"client\":{\"ip\":\"127.0.0.1\""))
        #expect(output.contains("{\"id\":"))
    }

    /// The interface disappears under a live capture: a clear error, exit 10,
    /// and the connection seen so far is still reported.
    @Test func vanishingInterfaceEndsWithAClearError() throws {
        let (status, output) = try bash("""
            a=hs-gone-a-$$; b=hs-gone-b-$$; out=$(mktemp -d)
            trap 'ip netns pids $a | xargs -r kill; ip netns pids $b | xargs -r kill; ip netns del $a; ip netns del $b; rm -rf $out' EXIT
            ip netns add $a; ip netns add $b
            ip link add veth0 netns $a type veth peer name veth0 netns $b
            ip -n $a addr add 10.77.0.1/24 dev veth0; ip -n $b addr add 10.77.0.2/24 dev veth0
            ip -n $a link set veth0 up; ip -n $b link set veth0 up; sleep 0.5
            ip netns exec $a "$HANDSHAKE" -i veth0 --format json > $out/records 2> $out/err &
            tool=$!; sleep 1
            ip netns exec $b python3 -c '
            import socket, time
            server = socket.socket(); server.bind(("10.77.0.2", 9200)); server.listen(); peer = server.accept(); time.sleep(5)' &
            sleep 0.5
            ip netns exec $a python3 -c '
            import socket, time
            client = socket.create_connection(("10.77.0.2", 9200)); time.sleep(5)' &
            sleep 1; ip -n $a link del veth0
            wait $tool; echo "status $?"
            grep -o 'capture on veth0 failed[^:]*' $out/err
            grep -c '"client_state":"ESTABLISHED"' $out/records
            """)
        #expect(status == 0)
        #expect(output.contains("status 10\n"))
        #expect(output.contains("capture on veth0 failed"))
        #expect(output.hasSuffix("\n1\n"))
    }
}
