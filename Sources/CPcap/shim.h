#include <pcap/pcap.h>

#ifdef __linux__
#include <sys/socket.h>
#include <linux/if_packet.h>

/// Joins the capture's packet socket to PACKET_FANOUT group `group`, split
/// by the kernel's symmetric flow hash (both directions of a connection go
/// to one member), fragments reassembled first so they hash as one packet.
/// Returns 0, or -1 with errno set. Here because Swift cannot reach the
/// socket option's macros.
static inline int handshake_join_fanout(pcap_t *handle, unsigned short group) {
    int value = group | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
    return setsockopt(pcap_fileno(handle), SOL_PACKET, PACKET_FANOUT, &value, sizeof value);
}
#endif
