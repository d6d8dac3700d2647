"""Which capture files a sensor wrote, in time order: rotated captures are
read one after another by one task, so a connection that spans two files
stays whole. Order is by each file's first packet time (pcap or pcapng),
then by name; a file with no packet sorts by name alone, first."""
import struct

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_SECTION = 0x0A0D0D0A
PCAPNG_INTERFACE = 1
PCAPNG_ENHANCED_PACKET = 6


def first_packet_time(path):
    """Seconds of the first packet, or None for a file without one (or not
    a capture, or unreadable: handshake names what is wrong with it)."""
    try:
        with open(path, "rb") as file:
            head = file.read(24)
            if head[:4] in PCAP_MAGICS:
                order, unit = PCAP_MAGICS[head[:4]]
                record = file.read(16)
                if len(record) < 16:
                    return None
                seconds, fraction = struct.unpack(order + "II", record[:8])
                return seconds + fraction * unit
            if len(head) < 4 or struct.unpack("<I", head[:4])[0] != PCAPNG_SECTION:
                return None
            file.seek(0)
            return _pcapng_first_time(file)
    except OSError:
        return None


def _pcapng_first_time(file):
    """None for a file that is not pcapng, or whose block lengths are not
    the multiples of 4 the format requires (each block moves forward, so a
    damaged length cannot loop): handshake then says what is wrong."""
    order, resolutions = "<", []
    while True:
        header = file.read(8)
        if len(header) < 8:
            return None
        block_type = struct.unpack("<I", header[:4])[0]
        if block_type == PCAPNG_SECTION:
            body = file.read(4)
            order = "<" if body == b"\x4d\x3c\x2b\x1a" else ">"
            length = struct.unpack(order + "I", header[4:])[0]
            if length < 28 or length % 4:
                return None
            file.seek(length - 12, 1)
            resolutions = []
            continue
        block_type, length = struct.unpack(order + "II", header)
        if length < 12 or length % 4:
            return None
        body = file.read(length - 8)
        if block_type == PCAPNG_INTERFACE:
            resolutions.append(_resolution(body[8:-4], order))
        elif block_type == PCAPNG_ENHANCED_PACKET and len(body) >= 12:
            interface, high, low = struct.unpack(order + "III", body[:12])
            unit = resolutions[interface] if interface < len(resolutions) else 1e-6
            return ((high << 32) | low) * unit


def _resolution(options, order):
    """if_tsresol: 10^-n seconds, or 2^-n with the high bit; microseconds by default."""
    position = 0
    while position + 4 <= len(options):
        code, length = struct.unpack(order + "HH", options[position:position + 4])
        if code == 0:
            break
        if code == 9 and length >= 1:
            value = options[position + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0 ** -value
        position += 4 + (length + 3) // 4 * 4
    return 1e-6


def in_time_order(paths):
    """The files ordered by first packet time, then name."""
    def key(path):
        time = first_packet_time(path)
        return (time is not None, time or 0.0, path)
    return sorted(paths, key=key)
