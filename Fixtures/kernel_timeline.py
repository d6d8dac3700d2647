"""The kernel's timeline of each socket in a capture, folded from the raw
events of `netns.KernelLog` into the states RFC 9293 names, for
Fixtures/record (NAME.kernel.json) and Fixtures/live-agreement.

Each Linux detail that separates the tracepoint's log from RFC 9293's
states is folded in where it is handled, and said there."""
import collections
import ipaddress
import struct

from netns import KERNEL_STATES

# How far after a segment's capture the kernel may log the change it caused:
# loopback and veth hand it over within microseconds.
PROCESSING = 0.0005

SYN_RECEIVED_TIME = ("Linux logs LISTEN→SYN_RECV when it creates the child socket, at the handshake's third "
                     "segment, not when the SYN arrived: its place in the sequence is compared, its time is not")
ORPHAN_TIME_WAIT = ("an orphan (closed by its application) in FIN_WAIT_2 was handed to a timewait socket, which "
                    "has no tracepoint: it entered TIME_WAIT on the peer's FIN without an event")
TIMEWAIT_GONE = ("its timewait socket ended (2×MSL ran out, or a new SYN reused the pair) without an event; "
                 "ss no longer lists it")
ORPHAN_FIN_WAIT_2_TIMEOUT = ("the orphan's FIN_WAIT_2 timer (net.ipv4.tcp_fin_timeout) ran out in its timewait "
                             "socket without an event; ss no longer lists it, and nothing on the wire shows it")
BEFORE_CAPTURE = "its state when the capture started (the change was logged before)"
SENT_UNSEEN = ("the segment it sent at this change never reached the capture point (nftables dropped it on "
               "the way out): the capture's first copy is a retransmission, and no capture can time this change")

# How soon after a sending change its segment reaches the capture point.
SENDING = 0.005
# The segment a sending change puts on the wire.
SENDS = {"TCP_SYN_SENT": 0x02, "TCP_FIN_WAIT1": 0x01, "TCP_LAST_ACK": 0x01}

FIN, SYN, RST = 0x01, 0x02, 0x04


def endpoint_ip(endpoint):
    return endpoint.rsplit(".", 1)[0]


class Segments:
    """The capture's TCP segments per direction, as (time, flags)."""

    def __init__(self, segments):
        """`segments`: (time, source, destination, flags), addresses as 'ip.port'."""
        self.by_direction = collections.defaultdict(list)
        for time, source, destination, flags in segments:
            self.by_direction[(source, destination)].append((time, flags))

    @classmethod
    def from_tshark(cls, rows):
        """From Fixtures/record's tshark rows (time, ip.src, ipv6.src, port, ip.dst, ipv6.dst, port, flags, …)."""
        return cls((float(row[0]), f"{row[1] or row[2]}.{row[3]}", f"{row[4] or row[5]}.{row[6]}", int(row[7], 16))
                   for row in rows)

    @classmethod
    def from_pcap(cls, path):
        """From a pcap file of Ethernet frames (what `handshake -i lo -w` writes), so
        that the live test needs no tshark: IPv4 and IPv6 without extension headers."""
        with open(path, "rb") as capture:
            data = capture.read()
        order = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        fraction = 1e9 if data[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e6
        segments, offset = [], 24
        while offset + 16 <= len(data):
            seconds, subsecond, captured, _ = struct.unpack(order + "IIII", data[offset:offset + 16])
            frame = data[offset + 16:offset + 16 + captured]
            offset += 16 + captured
            ethertype = frame[12:14]
            if ethertype == b"\x08\x00" and frame[23] == 6:
                ip, header = frame[14:], (frame[14] & 0x0F) * 4
                source, destination = ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
            elif ethertype == b"\x86\xdd" and frame[20] == 6:
                ip, header = frame[14:], 40
                source, destination = ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40])
            else:
                continue
            tcp = ip[header:]
            ports = struct.unpack(">HH", tcp[:4])
            segments.append((seconds + subsecond / fraction, f"{source}.{ports[0]}", f"{destination}.{ports[1]}",
                             tcp[13]))
        return cls(segments)

    def pairs(self):
        """Every socket the capture shows, as (local, peer), both ends of each connection."""
        pairs = set()
        for source, destination in self.by_direction:
            pairs.update({(source, destination), (destination, source)})
        return pairs

    def arriving(self, local, peer, time):
        """Flags of the peer's last segment to `local` captured by `time`: the one the kernel was processing."""
        before = [flags for t, flags in self.by_direction[(peer, local)] if t <= time + PROCESSING]
        return before[-1] if before else 0

    def sent(self, local, peer, flag, time):
        """Whether `local` was captured sending `flag` just after `time`."""
        return any(time - PROCESSING <= t <= time + SENDING and flags & flag
                   for t, flags in self.by_direction[(local, peer)])

    def fin_after(self, local, peer, time):
        return any(t > time and flags & FIN for t, flags in self.by_direction[(peer, local)])


def lives(events, pairs):
    """The events of each socket of the capture, one list per socket lifetime, keyed by (local, peer).

    connect() logs CLOSE→SYN_SENT before it binds the local port, so that
    event says sport 0: it belongs to the next socket from the same address
    to the same peer whose first event leaves SYN_SENT (connects here are
    sequential), or to the one capture pair left without a socket (a SYN
    never answered)."""
    connects = collections.defaultdict(collections.deque)
    found = collections.defaultdict(list)
    open_lives = {}
    for event in sorted(events, key=lambda e: e["t"]):
        if event["new"] == "TCP_SYN_SENT" and event["local"].endswith(".0"):
            connects[(endpoint_ip(event["local"]), event["peer"])].append(event)
            continue
        key = (event["local"], event["peer"])
        if key not in pairs:
            continue
        life = open_lives.get(key)
        if life is None:
            life = open_lives[key] = []
            found[key].append(life)
            waiting = connects[(endpoint_ip(event["local"]), event["peer"])]
            if event["old"] == "TCP_SYN_SENT" and waiting:
                life.append(dict(waiting.popleft(), local=event["local"]))
        life.append(event)
        if event["new"] == "TCP_CLOSE":
            del open_lives[key]
    for (address, peer), waiting in connects.items():
        unclaimed = [key for key in pairs if key[1] == peer and endpoint_ip(key[0]) == address and key not in found]
        if waiting and len(unclaimed) == 1:
            found[unclaimed[0]].append([dict(waiting.popleft(), local=unclaimed[0][0])])
    return found


def fold(life, local, peer, window, segments, at_end):
    """One socket lifetime as RFC 9293 states: [{"state", "t"}], t on the
    capture's clock, or None (with "why") where the kernel logs no time for
    it. `at_end` is what ss said of the pair when the capture stopped (None:
    not listed)."""
    start, stop = window
    states = []
    before = [event for event in life if event["t"] < start]
    if before and before[-1]["new"] != "TCP_CLOSE":
        states.append(dict(state=KERNEL_STATES[before[-1]["new"]], t=None, why=BEFORE_CAPTURE))
    in_timewait = None
    for event in life:
        t, old, new = event["t"], event["old"], event["new"]
        if t < start or t > stop:
            continue
        if old == "TCP_LISTEN" and new == "TCP_SYN_RECV":
            states.append(dict(state="SYN_RECEIVED", t=None, logged=t, why=SYN_RECEIVED_TIME))
        elif new == "TCP_CLOSE" and old in ("TCP_FIN_WAIT2", "TCP_CLOSING"):
            # A socket that enters TIME_WAIT is handed to a timewait socket,
            # which has no tracepoint: the event says FIN_WAIT2/CLOSING → CLOSE.
            # Which it was, the segment being processed says: an RST closed
            # it; a FIN (or, in CLOSING, the ACK of its own FIN) began
            # TIME_WAIT; a bare ACK in FIN_WAIT2 means an orphan was handed
            # over before the peer's FIN, still in FIN_WAIT_2.
            flags = segments.arriving(local, peer, t)
            if flags & RST:
                states.append(dict(state="CLOSED", t=t))
            elif flags & FIN or old == "TCP_CLOSING":
                states.append(dict(state="TIME_WAIT", t=t))
                in_timewait = "TIME_WAIT"
            else:
                # Its TIME_WAIT entry, on the peer's FIN, logs nothing: the
                # FIN in the capture shows it, or else ss at the end.
                in_timewait = "FIN_WAIT_2"
                if segments.fin_after(local, peer, t) or at_end == "TIME_WAIT":
                    states.append(dict(state="TIME_WAIT", t=None, why=ORPHAN_TIME_WAIT))
                    in_timewait = "TIME_WAIT"
        elif new in SENDS and not segments.sent(local, peer, SENDS[new], t):
            states.append(dict(state=KERNEL_STATES[new], t=None, logged=t, why=SENT_UNSEEN))
        else:
            states.append(dict(state=KERNEL_STATES[new], t=t))
    last = states[-1]["state"] if states else None
    if in_timewait and at_end is None:
        why = TIMEWAIT_GONE if in_timewait == "TIME_WAIT" else ORPHAN_FIN_WAIT_2_TIMEOUT
        states.append(dict(state="CLOSED", t=None, why=why, on_wire=in_timewait == "TIME_WAIT"))
    elif last is not None and (at_end or "CLOSED") != last:
        raise RuntimeError(f"{local} → {peer}: the kernel's log ends in {last}, ss says {at_end or 'nothing'}")
    return states


def timelines(events, window, segments, at_end):
    """Every socket of the capture that the kernel logged, in order of its first state change.
    `at_end` maps (local, peer) to ss's state when the capture stopped."""
    sockets = []
    for (local, peer), found in lives(events, segments.pairs()).items():
        for index, life in enumerate(found):
            if not any(event["t"] <= window[1] for event in life) or life[-1]["t"] < window[0]:
                continue
            last_life = index == len(found) - 1
            states = fold(life, local, peer, window, segments, at_end.get((local, peer)) if last_life else None)
            sockets.append(dict(local=local, peer=peer, states=states,
                                events=[f"{e['t']:.6f} {e['old']}→{e['new']}" for e in life]))
    sockets.sort(key=lambda socket: socket["events"][0])
    return sockets
