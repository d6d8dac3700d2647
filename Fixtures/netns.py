"""Network namespaces, sockets inside them, captures and the kernel's view of
socket states, for Fixtures/record and Fixtures/live-agreement.

Everything runs from one process: `inside(namespace)` enters a namespace
with setns(2) just long enough to create a socket, which stays in it.
"""
import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import time

CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)
HOME_NAMESPACE = os.open("/proc/self/ns/net", os.O_RDONLY)
PREFIX = f"hs-{os.getpid()}"

# ss's state names and RFC 9293's, as handshake prints them.
SS_STATES = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECEIVED",
             "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "TIME-WAIT": "TIME_WAIT",
             "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING", "LISTEN": "LISTEN"}


def run(*command, check=True):
    return subprocess.run(command, check=check, capture_output=True, text=True)


def setns(fd, what):
    if LIBC.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {what}")


@contextlib.contextmanager
def inside(namespace):
    """Run the block with this thread in `namespace`; sockets made there stay there."""
    fd = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
    try:
        setns(fd, namespace)
        yield
    finally:
        os.close(fd)
        setns(HOME_NAMESPACE, "home")


@contextlib.contextmanager
def namespaces(*suffixes):
    """Fresh namespaces with loopback up, deleted on every exit path."""
    names = [f"{PREFIX}-{suffix}" for suffix in suffixes]
    try:
        for name in names:
            run("ip", "netns", "add", name)
            run("ip", "-n", name, "link", "set", "lo", "up")
        yield names
    finally:
        for name in names:
            run("ip", "netns", "del", name, check=False)


def veth_pair(left, right, left_address, right_address, prefix=24, name="veth0"):
    """A veth cable between two namespaces, `name` at each end, addresses assigned."""
    run("ip", "link", "add", name, "netns", left, "type", "veth", "peer", "name", name, "netns", right)
    for namespace, address in ((left, left_address), (right, right_address)):
        run("ip", "-n", namespace, "addr", "add", f"{address}/{prefix}", "dev", name, "nodad")
        run("ip", "-n", namespace, "link", "set", name, "up")


def nft(namespace, table, hook, rule, chain_type="filter", priority="0"):
    """Adds an nftables table with one chain on `hook` holding `rule`, in a namespace."""
    ruleset = (f"table inet {table} {{\n  chain {hook}_chain {{\n"
               f"    type {chain_type} hook {hook} priority {priority}; policy accept;\n    {rule}\n  }}\n}}\n")
    subprocess.run(["ip", "netns", "exec", namespace, "nft", "-f", "-"], input=ruleset, text=True, check=True)


def nft_flush(namespace):
    run("ip", "netns", "exec", namespace, "nft", "flush", "ruleset")


def kernel_states(namespace):
    """`ss -tanH` in a namespace: {(local, peer): state}, addresses as 'ip.port'."""
    states = {}
    for line in run("ip", "netns", "exec", namespace, "ss", "-tanH").stdout.splitlines():
        fields = line.split()
        if len(fields) < 5 or fields[0] == "LISTEN":
            continue
        states[(endpoint(fields[3]), endpoint(fields[4]))] = SS_STATES.get(fields[0], fields[0])
    return states


def endpoint(text):
    """ss's '10.0.0.1:80' or '[::1]:80' as handshake's '10.0.0.1.80' / '::1.80'."""
    address, port = text.rsplit(":", 1)
    return f"{address.strip('[]')}.{port}"


def name(sock_address):
    return f"{sock_address[0]}.{sock_address[1]}"


def listener(namespace, family, address, port, backlog=128):
    with inside(namespace):
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((address, port))
        server.listen(backlog)
    return server


def connector(namespace, family, bind_to=None):
    with inside(namespace):
        client = socket.socket(family, socket.SOCK_STREAM)
        if bind_to is not None:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            client.bind(bind_to)
    return client


def loopback_connection(namespace, port):
    """A connected IPv4 pair on loopback in `namespace`: (client, the server's accepted socket)."""
    server = listener(namespace, socket.AF_INET, "127.0.0.1", port)
    client = connector(namespace, socket.AF_INET)
    client.connect(("127.0.0.1", port))
    accepted, _ = server.accept()
    server.close()
    return client, accepted


def pause(seconds=0.05):
    """Long enough for the kernel to answer, so the segments of one step stay together."""
    time.sleep(seconds)


class Recorder:
    """tcpdump in a namespace, started before the traffic and checked after:
    immediate mode, a 4 MiB buffer, and a recording with kernel drops is rejected.

    The snaplen is 512, not tcpdump's 262144: in immediate mode libpcap uses a
    TPACKET_V2 ring whose slots are sized for the largest packet, 64 KiB on
    interfaces with offloads (veth, lo), so a 4 MiB ring holds 64 packets and a
    burst of a hundred connections lost half of them. Every payload here is
    shorter than 300 bytes."""

    def __init__(self, namespace, interface, path, extra=(), capture_filter="tcp"):
        self.path = path
        command = ["ip", "netns", "exec", namespace, "tcpdump", "-i", interface, "--immediate-mode", "-B", "4096",
                   "-U", "-Z", "root", "-s", "512", "-w", path, *extra, capture_filter]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        said = []
        while not said or "listening on" not in said[-1]:
            said.append(self.process.stderr.readline())
            if not said[-1]:
                self.process.kill()
                raise RuntimeError(f"tcpdump did not start: {''.join(said)}")
        self.started = time.time()
        self.stopped = None

    def stop(self):
        time.sleep(0.3)
        self.stopped = time.time()
        self.process.send_signal(signal.SIGINT)
        _, rest = self.process.communicate(timeout=10)
        dropped = re.search(r"(\d+) packets? dropped by kernel", rest)
        if not dropped or dropped.group(1) != "0":
            raise RuntimeError(f"rejecting {self.path}: {rest.strip()}")


# Where tracefs is (or gets) mounted; HANDSHAKE_TRACEFS overrides it, e.g.
# /sys/kernel/debug/tracing where an older system mounts it there.
TRACEFS = os.environ.get("HANDSHAKE_TRACEFS", "/sys/kernel/tracing")
# The tracepoint's state names and RFC 9293's, as handshake prints them.
KERNEL_STATES = {"TCP_ESTABLISHED": "ESTABLISHED", "TCP_SYN_SENT": "SYN_SENT", "TCP_SYN_RECV": "SYN_RECEIVED",
                 "TCP_FIN_WAIT1": "FIN_WAIT_1", "TCP_FIN_WAIT2": "FIN_WAIT_2", "TCP_TIME_WAIT": "TIME_WAIT",
                 "TCP_CLOSE": "CLOSED", "TCP_CLOSE_WAIT": "CLOSE_WAIT", "TCP_LAST_ACK": "LAST_ACK",
                 "TCP_LISTEN": "LISTEN", "TCP_CLOSING": "CLOSING", "TCP_NEW_SYN_RECV": "NEW_SYN_RECV"}


class KernelLog:
    """The kernel's own log of TCP state changes: the tracepoint
    sock:inet_sock_set_state (what bcc's tcpstates reads), recorded in a
    tracefs instance of our own so that nothing else tracing is disturbed.

    The tracepoint is global (every namespace) and stamps events with
    trace_clock `tai`; `events` holds them on the capture's clock
    (CLOCK_REALTIME, which libpcap stamps packets with), as dicts with
    t, local and peer ('ip.port'), old and new (the kernel's state names)."""

    def __init__(self):
        if not os.path.isdir(f"{TRACEFS}/events/sock"):
            mounted = subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], capture_output=True, text=True)
            if mounted.returncode != 0 or not os.path.isdir(f"{TRACEFS}/events/sock/inet_sock_set_state"):
                raise RuntimeError(f"cannot mount tracefs at {TRACEFS} to read the kernel's TCP state changes "
                                   f"(needs root and CONFIG_TRACING): {(mounted.stderr.strip() or '?').splitlines()[0]}")
        self.instance = f"{TRACEFS}/instances/{PREFIX}"
        os.mkdir(self.instance)
        try:
            self._write("trace_clock", "tai")
            self._write("buffer_size_kb", "16384")
            self._write("events/sock/inet_sock_set_state/enable", "1")
        except OSError:
            os.rmdir(self.instance)
            raise
        # CLOCK_TAI - CLOCK_REALTIME: the leap-second offset the kernel was
        # told (37 s where NTP set it, 0 where nothing did).
        self.tai_offset = sorted(time.clock_gettime(time.CLOCK_TAI) - time.time() for _ in range(5))[2]
        self.events = []

    def _write(self, name, value):
        with open(f"{self.instance}/{name}", "w") as control:
            control.write(value)

    def stop(self):
        """Stops recording and parses what was logged; safe to call twice."""
        if not os.path.isdir(self.instance):
            return self.events
        self._write("events/sock/inet_sock_set_state/enable", "0")
        with open(f"{self.instance}/trace") as trace:
            text = trace.read()
        os.rmdir(self.instance)
        for line in text.splitlines():
            head, marker, body = line.partition(" inet_sock_set_state: ")
            if not marker:
                continue
            fields = dict(item.split("=", 1) for item in body.split())
            if fields["protocol"] != "IPPROTO_TCP":
                continue
            v6 = fields["family"] == "AF_INET6"
            source, destination = (fields["saddrv6"], fields["daddrv6"]) if v6 else (fields["saddr"], fields["daddr"])
            self.events.append(dict(
                t=round(float(head.split()[-1].rstrip(":")) - self.tai_offset, 6),
                local=f"{source}.{fields['sport']}", peer=f"{destination}.{fields['dport']}",
                old=fields["oldstate"], new=fields["newstate"]))
        return self.events
