/*
 * The floor for any libpcap-based reader: read a capture with pcap_next_ex,
 * decode Ethernet (with 802.1Q), IPv4 or IPv6, and TCP, and count packets
 * per flow in an open-addressing hash table. What the machine does without
 * handshake's tracker; `make bench` times handshake against it.
 *
 * Usage: baseline FILE      prints "packets N flows M"
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flow {
    uint8_t key[37];    /* addresses (16+16), ports (2+2), family */
    uint8_t used;
    uint64_t packets;
};

static struct flow *table;
static size_t capacity = 1 << 20, flows;

static uint64_t hash(const uint8_t *key, size_t length) {
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < length; i++) h = (h ^ key[i]) * 1099511628211ULL;
    return h;
}

static void grow(void);

static void count(const uint8_t *key) {
    if (flows * 2 >= capacity) grow();
    size_t slot = hash(key, 37) & (capacity - 1);
    while (table[slot].used && memcmp(table[slot].key, key, 37) != 0) slot = (slot + 1) & (capacity - 1);
    if (!table[slot].used) {
        table[slot].used = 1;
        memcpy(table[slot].key, key, 37);
        flows++;
    }
    table[slot].packets++;
}

static void grow(void) {
    struct flow *old = table;
    size_t old_capacity = capacity;
    capacity *= 2;
    table = calloc(capacity, sizeof *table);
    flows = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].used) continue;
        size_t slot = hash(old[i].key, 37) & (capacity - 1);
        while (table[slot].used) slot = (slot + 1) & (capacity - 1);
        table[slot] = old[i];
        flows++;
    }
    free(old);
}

int main(int argc, char **argv) {
    char errbuf[PCAP_ERRBUF_SIZE];
    if (argc != 2) { fprintf(stderr, "usage: baseline FILE\n"); return 2; }
    pcap_t *pcap = pcap_open_offline(argv[1], errbuf);
    if (!pcap) { fprintf(stderr, "baseline: %s\n", errbuf); return 1; }
    table = calloc(capacity, sizeof *table);
    struct pcap_pkthdr *header;
    const u_char *data;
    uint64_t packets = 0;
    while (pcap_next_ex(pcap, &header, &data) == 1) {
        const uint8_t *p = data, *end = data + header->caplen;
        if (end - p < 14) continue;
        uint16_t type = p[12] << 8 | p[13];
        p += 14;
        while (type == 0x8100 && end - p >= 4) { type = p[2] << 8 | p[3]; p += 4; }
        uint8_t key[37] = {0};
        const uint8_t *tcp;
        if (type == 0x0800 && end - p >= 20) {
            size_t ihl = (p[0] & 0x0f) * 4;
            if (p[9] != 6 || (size_t)(end - p) < ihl + 4) continue;
            memcpy(key, p + 12, 4);
            memcpy(key + 16, p + 16, 4);
            key[36] = 4;
            tcp = p + ihl;
        } else if (type == 0x86dd && end - p >= 44) {
            if (p[6] != 6) continue;
            memcpy(key, p + 8, 16);
            memcpy(key + 16, p + 24, 16);
            key[36] = 6;
            tcp = p + 40;
        } else {
            continue;
        }
        /* One entry for both directions: order the endpoints. */
        uint8_t a[18], b[18];
        memcpy(a, key, 16); memcpy(a + 16, tcp, 2);
        memcpy(b, key + 16, 16); memcpy(b + 16, tcp + 2, 2);
        if (memcmp(a, b, 18) > 0) { uint8_t t[18]; memcpy(t, a, 18); memcpy(a, b, 18); memcpy(b, t, 18); }
        memcpy(key, a, 16); memcpy(key + 16, b, 16); memcpy(key + 32, a + 16, 2); memcpy(key + 34, b + 16, 2);
        count(key);
        packets++;
    }
    printf("packets %llu flows %zu\n", (unsigned long long)packets, flows);
    pcap_close(pcap);
    return 0;
}
